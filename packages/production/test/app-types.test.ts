import t from 'tap'
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'types', 'tsconfig.json')

// A whole tsc run over Fastify's and four plugins' types: seconds, more on a busy machine.
t.setTimeout(180_000)

t.test('an app with its own config type, fastify-metrics and @fastify/rate-limit type-checks with the umbrella (no TS2717); route settings are typed', async (t) => {
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', fixture]).then(() => '', (err: { stdout?: string }) => String(err.stdout))
  t.equal(output, '')
})
