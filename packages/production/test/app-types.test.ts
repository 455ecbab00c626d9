import t from 'tap'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { typecheck } from '@fastify-production/test-support'

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'types', 'tsconfig.json')

t.setTimeout(180_000)

t.test('an app with its own config type, fastify-metrics and @fastify/rate-limit type-checks with the umbrella (no TS2717); route settings are typed', async (t) => {
  t.equal(await typecheck(fixture), '')
})
