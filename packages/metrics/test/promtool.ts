import { execFile, spawnSync } from 'node:child_process'
import type { Test } from 'tap'

// CI=true as test-support's Redis helper reads it: there a missing tool is a broken image, not a reason to skip.
const inCI = process.env.CI === 'true'
const installed = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0
const WHY = 'promtool is not installed (Debian/Ubuntu: apt-get install prometheus, or run scripts/ensure-test-services.js as root)'

/** The `skip` option of a test that runs promtool: a reason when it is missing, else false. */
export const skipWithoutPromtool: string | false = installed ? false : WHY

/**
 * promtool comes from Debian's `prometheus` package (CI installs it: scripts/ensure-test-services.js).
 * Missing in CI, this test fails, so the checks cannot silently stop running; missing on a
 * developer's machine, it is skipped, saying what to install.
 */
export function requirePromtool (t: Test): void {
  t.test('promtool is installed', { skip: installed || inCI ? false : WHY }, async (t) => {
    if (installed) t.pass('promtool --version answers')
    else t.fail(`${WHY}; CI must have it`)
  })
}

/** Runs promtool; resolves with its exit code and output, never rejects. */
export async function runPromtool (args: string[], input?: string): Promise<{ code: number, output: string }> {
  return await new Promise((resolve) => {
    const child = execFile('promtool', args, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : Number((err as { code?: number }).code ?? 1), output: stdout + stderr })
    })
    if (input !== undefined) child.stdin?.end(input)
  })
}
