import t from 'tap'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { typecheck as typecheckProject } from '@fastify-production/test-support'

const types = join(dirname(fileURLToPath(import.meta.url)), 'types')
const typecheck = async (name: string): Promise<string> => await typecheckProject(join(types, `tsconfig.${name}.json`))

// Each check is a whole tsc run over Fastify's types: seconds, more on a busy machine.
t.setTimeout(180_000)

t.test('an app running fastify-metrics type-checks with this package installed: its `fastify.metrics` type stays', async (t) => {
  t.equal(await typecheck('with-fastify-metrics'), '')
})

t.test('an app using this package declares `fastify.metrics: FastifyMetrics` once and gets typed helpers and route settings', async (t) => {
  t.equal(await typecheck('own-declaration'), '')
})
