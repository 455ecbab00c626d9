import t from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import config, { loadConfig } from '../src/index.js'

const schema = Type.Object({ PORT: Type.Integer({ default: 3000 }) })

const bad: Array<[string, unknown, RegExp]> = [
  ['a schema that is not an object schema', { schema: Type.String() }, /option schema: /],
  ['a schema that is not a schema', { schema: 'PORT' }, /option schema: /],
  ['a source with a non-string value', { schema, source: { PORT: 3000 } }, /option source: /],
  ['a source that is not an object', { schema, source: 'PORT=3000' }, /option source: /],
  ['dotenv that is a number', { schema, dotenv: 1 }, /option dotenv: /],
  ['dotenv that is an empty path', { schema, dotenv: '' }, /option dotenv: /],
  ['reportUnknown that is an empty prefix', { schema, reportUnknown: '' }, /option reportUnknown: /],
  ['an unknown option', { schema, dotEnv: true }, /option dotEnv: is not a known option/],
  ['an empty decorator name', { schema, decorator: '' }, /option decorator: /],
  ['a decorator name that is no identifier', { schema, decorator: 'app-config' }, /option decorator: /],
  ['a decorator name that is not a string', { schema, decorator: 1 }, /option decorator: /],
  ['options that are not an object', 'schema', /option \(root\): /],
  ['a schema declaring a reserved name', { schema: Type.Object({ isProduction: Type.Boolean() }) }, /option schema: declares "isProduction", a name the config itself uses/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_CONFIG_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(config, options as never) }, { code: 'FP_ERR_CONFIG_OPTIONS', message: mentions })
  })
}

t.test('the message says what each option accepts and never quotes a source value', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const err = await app.register(config, { schema, source: { PORT: 3000, API_KEY: { v: 'sk_live_123' } } } as never).then(() => undefined, (caught: Error) => caught)
  t.match(err?.message, /accepted: schema \(a TypeBox Type\.Object\), source \(object of string values\), dotenv \(boolean or a file path\), reportUnknown \(boolean or a name prefix\), decorator \(a JavaScript identifier\)/)
  t.notMatch(err?.message, 'sk_live_123')
})

t.test('no options at all: an empty schema, the NODE_ENV flags only (the umbrella\'s default)', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config)
  t.same(JSON.parse(JSON.stringify(app.config)), {})
  t.equal(typeof app.config.isProduction, 'boolean')
})

t.test('loadConfig validates its arguments the same way', async (t) => {
  t.throws(() => loadConfig(undefined as never), { code: 'FP_ERR_CONFIG_OPTIONS', message: /option schema: must be object/ })
  t.throws(() => loadConfig(Type.String() as never), { code: 'FP_ERR_CONFIG_OPTIONS', message: /option schema: / })
  t.throws(() => loadConfig(schema, { reportUnknown: true } as never), { code: 'FP_ERR_CONFIG_OPTIONS', message: /option reportUnknown: is not a known option/ })
  t.throws(() => loadConfig(schema, { dotenv: 'x', source: [] } as never), { code: 'FP_ERR_CONFIG_OPTIONS' })
  t.throws(() => loadConfig(Type.Object({ toJSON: Type.String() })), { code: 'FP_ERR_CONFIG_OPTIONS', message: /declares "toJSON"/ })
})

t.test('the caller\'s options and schema are not mutated', async (t) => {
  const source = Object.freeze({ PORT: '8080' })
  const options = Object.freeze({ schema, source, dotenv: false })
  const schemaJson = JSON.stringify(schema)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, options)
  await app.ready()
  t.equal(app.config.nodeEnv, 'development')
  t.same(options, { schema, source: { PORT: '8080' }, dotenv: false })
  t.equal(JSON.stringify(schema), schemaJson)
})
