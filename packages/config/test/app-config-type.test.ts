import t from 'tap'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { typecheck } from '@fastify-production/test-support'

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'types', 'tsconfig.json')

t.setTimeout(180_000)

t.test('an app declaring its own `config: { PORT: number }` type-checks with this package imported (no TS2717)', async (t) => {
  t.equal(await typecheck(fixture), '')
})
