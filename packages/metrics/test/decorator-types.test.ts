import t from 'tap'
import { execFile } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const types = join(dirname(fileURLToPath(import.meta.url)), 'types')

async function typecheck (name: string): Promise<string> {
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(types, `tsconfig.${name}.json`)])
    return ''
  } catch (err) {
    return String((err as { stdout?: string }).stdout)
  }
}

// Each check is a whole tsc run over Fastify's types: seconds, more on a busy machine.
t.setTimeout(180_000)

t.test('an app running fastify-metrics type-checks with this package installed: its `fastify.metrics` type stays', async (t) => {
  t.equal(await typecheck('with-fastify-metrics'), '')
})

t.test('an app using this package declares `fastify.metrics: FastifyMetrics` once and gets typed helpers and route settings', async (t) => {
  t.equal(await typecheck('own-declaration'), '')
})
