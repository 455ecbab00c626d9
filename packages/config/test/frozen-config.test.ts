import t from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import config, { loadConfig, Secret } from '../src/index.js'

const schema = Type.Object({
  PORT: Type.Integer({ default: 3000 }),
  ORIGINS: Type.Array(Type.String(), { default: ['https://a.test'] }),
  LIMITS: Type.Object({ max: Type.Integer() }),
  TOKEN: Secret(Type.String())
})
const source = { LIMITS: '{"max":5}', TOKEN: 't0k' }

// ES modules are strict mode: these writes throw instead of being silently ignored.
t.test('writing, adding or deleting a variable throws', async (t) => {
  const env = loadConfig(schema, { source }) as unknown as Record<string, unknown>
  t.ok(Object.isFrozen(env))
  t.throws(() => { env.PORT = 1 }, TypeError)
  t.throws(() => { env.TOKEN = 'x' }, TypeError, 'secrets too')
  t.throws(() => { env.isProduction = true }, TypeError)
  t.throws(() => { env.EXTRA = 1 }, TypeError)
  t.throws(() => { delete env.PORT }, TypeError)
  t.equal(env.PORT, 3000)
})

t.test('nested arrays and objects are frozen too, defaults included', async (t) => {
  const env = loadConfig(schema, { source })
  t.throws(() => { (env.ORIGINS as string[]).push('https://evil.test') }, TypeError)
  t.throws(() => { (env.LIMITS as { max: number }).max = 1e9 }, TypeError)
  const declared = (schema.properties.ORIGINS as { default?: unknown }).default
  t.same(declared, ['https://a.test'], 'the schema\'s default object is not the one frozen')
  t.notOk(Object.isFrozen(declared))
})

t.test('fastify.config cannot be written or replaced', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, { schema, source })
  const loose = app as unknown as { config: Record<string, unknown> }
  t.throws(() => { loose.config.PORT = 1 }, TypeError)
  t.throws(() => { loose.config = {} }, TypeError)
  t.equal(app.config, app.config, 'the same object every time')
  t.equal(loose.config.PORT, 3000)
})
