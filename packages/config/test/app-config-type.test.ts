import t from 'tap'
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const fixture = join(dirname(fileURLToPath(import.meta.url)), 'types', 'tsconfig.json')

// A whole tsc run over Fastify's types: seconds, more on a busy machine.
t.setTimeout(180_000)

t.test('an app declaring its own `config: { PORT: number }` type-checks with this package imported (no TS2717)', async (t) => {
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', fixture]).then(() => '', (err: { stdout?: string }) => String(err.stdout))
  t.equal(output, '')
})
