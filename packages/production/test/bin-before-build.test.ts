import t from 'tap'
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { userNodeEnv } from '@fastify-production/test-support'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { bin: Record<string, string>, files: string[] }

function runNode (script: string, args: string[]): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [script, ...args], { env: userNodeEnv() }, (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }))
  })
}

t.test('the bin is a committed file outside dist/: pnpm links it at install, before any build', async (t) => {
  const bin = pkg.bin['fastify-production'] as string
  t.equal(bin, './bin/fastify-production.js')
  t.notMatch(bin, /dist\//, 'a bin inside dist/ does not exist when a fresh clone installs, and is never linked')
  t.ok(pkg.files.includes('bin'), 'published with the package')
  t.ok((statSync(join(packageDir, bin)).mode & 0o111) !== 0, 'executable')
  t.match(readFileSync(join(packageDir, bin), 'utf8'), /^#!\/usr\/bin\/env node\n/)
})

t.test('once built, the bin runs the CLI', async (t) => {
  const result = await runNode(join(packageDir, pkg.bin['fastify-production'] as string), ['--help'])
  t.equal(result.code, 0)
  t.match(result.stdout, /Usage: fastify-production doctor/)
})

t.test('before the build, the bin says to build first (exit 1), not a module-not-found stack', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-bin-'))
  mkdirSync(join(dir, 'bin'))
  copyFileSync(join(packageDir, 'bin', 'fastify-production.js'), join(dir, 'bin', 'fastify-production.js'))
  const result = await runNode(join(dir, 'bin', 'fastify-production.js'), ['doctor'])
  t.equal(result.code, 1)
  t.equal(result.stderr, 'fastify-production: the package is not built (no dist/bin.js): run `pnpm build` first\n')
})

t.test('any other failure while loading is not hidden', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-bin-'))
  mkdirSync(join(dir, 'bin'))
  mkdirSync(join(dir, 'dist'))
  copyFileSync(join(packageDir, 'bin', 'fastify-production.js'), join(dir, 'bin', 'fastify-production.js'))
  // A built file whose own import is missing: a broken install, which must show as itself.
  writeFileSync(join(dir, 'dist', 'bin.js'), "import './cli.js'\n")
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n')
  const result = await runNode(join(dir, 'bin', 'fastify-production.js'), ['doctor'])
  t.equal(result.code, 1)
  t.match(result.stderr, /ERR_MODULE_NOT_FOUND[\s\S]*cli\.js|cli\.js[\s\S]*ERR_MODULE_NOT_FOUND/)
  t.notMatch(result.stderr, /run `pnpm build` first/)
})
