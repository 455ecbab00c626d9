import t from 'tap'
import { inspect, format } from 'node:util'
import Fastify from 'fastify'
import { Type } from 'typebox'
import { logCapture } from '@fastify-production/test-support'
import config, { loadConfig, Secret, RequiredInProduction, secretFields, SECRET_MASK } from '../src/index.js'

const DB = 'postgres://orders:hunter2@db.internal:5432/orders'
const PASSWORD = 'correct-horse-battery'

const schema = Type.Object({
  PORT: Type.Integer({ default: 3000 }),
  DATABASE_URL: Secret(Type.String({ format: 'uri' })),
  DEMO_PASSWORD: Secret(Type.String({ minLength: 8 })),
  SENTRY_DSN: Secret(RequiredInProduction(Type.String()))
})
const source = { DATABASE_URL: DB, DEMO_PASSWORD: PASSWORD }

t.test('reading a secret by name returns the real value', async (t) => {
  const env = loadConfig(schema, { source })
  t.equal(env.DATABASE_URL, DB)
  t.equal(env.DEMO_PASSWORD, PASSWORD)
  const { DATABASE_URL: url } = env
  t.equal(url, DB, 'destructuring by name works too')
})

t.test('JSON.stringify masks secrets and keeps the rest', async (t) => {
  const env = loadConfig(schema, { source })
  t.same(JSON.parse(JSON.stringify(env)), { PORT: 3000, DATABASE_URL: SECRET_MASK, DEMO_PASSWORD: SECRET_MASK })
  t.same(JSON.parse(JSON.stringify({ nested: { env } })).nested.env.DATABASE_URL, '[SECRET]', 'also when nested')
})

t.test('util.inspect, console-style format and %j mask secrets', async (t) => {
  const env = loadConfig(schema, { source })
  for (const text of [inspect(env), inspect(env, { showHidden: true, depth: Infinity }), format('%o', env), format('%O', env), format('%j', env), inspect({ env })]) {
    t.notMatch(text, 'hunter2')
    t.notMatch(text, PASSWORD)
    t.match(text, /DATABASE_URL: '\[SECRET\]'|"DATABASE_URL":"\[SECRET\]"/)
    t.match(text, /PORT/)
  }
})

t.test('loops, spreads and Object.keys do not reach secrets', async (t) => {
  const env = loadConfig(schema, { source })
  t.same(Object.keys(env), ['PORT'])
  t.same({ ...env }, { PORT: 3000 })
  t.same(structuredClone(env), { PORT: 3000 })
  const seen: string[] = []
  for (const key in env) seen.push(key)
  t.same(seen, ['PORT'])
})

t.test('pino output of fastify.config never holds a secret, however it is logged', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(config, { schema, source })
  await app.ready()
  app.log.info({ config: app.config }, 'as a field')
  app.log.info(app.config, 'as the merging object')
  app.log.info(app.config)
  app.log.info({ env: { nested: app.config } }, 'nested')
  const lines = logs.lines.filter((line) => line.msg !== 'Server listening at')
  t.same(lines.find((line) => line.msg === 'as a field')?.config, { PORT: 3000, DATABASE_URL: SECRET_MASK, DEMO_PASSWORD: SECRET_MASK })
  t.equal(lines.find((line) => line.msg === 'as the merging object')?.PORT, 3000)
  t.notMatch(logs.text(), 'hunter2')
  t.notMatch(logs.text(), PASSWORD)
  t.equal(app.config.DATABASE_URL as unknown, DB, 'the app still reads the real value')
})

t.test('pino redact paths on the config (what a log redactor sets up) do not expose secrets either', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream, redact: ['config.PORT', '*.DATABASE_URL', 'DATABASE_URL'] } })
  t.teardown(() => app.close())
  await app.register(config, { schema, source })
  app.log.info({ config: app.config }, 'redacted field')
  app.log.info(app.config, 'redacted merge')
  app.log.info({ DATABASE_URL: app.config.DATABASE_URL }, 'by name')
  t.equal(logs.lines.find((line) => line.msg === 'by name')?.DATABASE_URL, '[Redacted]')
  t.notMatch(logs.text(), 'hunter2')
  t.notMatch(logs.text(), PASSWORD)
  t.equal(app.config.PORT as unknown, 3000, 'the config itself is untouched')
})

t.test('a secret that breaks its rule is reported by name and rule only', async (t) => {
  let err: (Error & { issues?: unknown }) | undefined
  try {
    loadConfig(schema, { source: { DATABASE_URL: 'hunter2 not a url', DEMO_PASSWORD: 'hunter2' } })
  } catch (caught) {
    err = caught as Error & { issues: unknown }
  }
  t.same(err?.issues, [
    { variable: 'DATABASE_URL', rule: 'not a valid uri' },
    { variable: 'DEMO_PASSWORD', rule: 'shorter than 8 characters' }
  ])
  t.notMatch(String(err?.message) + JSON.stringify(err?.issues) + String(err?.stack), 'hunter2')
})

t.test('secretFields names the secret variables; Secret keeps the schema usable by TypeBox', async (t) => {
  t.same(secretFields(schema), ['DATABASE_URL', 'DEMO_PASSWORD', 'SENTRY_DSN'])
  t.same(secretFields(Type.Object({ A: Type.String() })), [])
  t.equal(schema.properties.DATABASE_URL['x-secret'], true)
  t.equal((schema.properties.DATABASE_URL as { format?: string }).format, 'uri')
  t.same(Object.keys(schema.properties.SENTRY_DSN), ['type', 'x-required-in-production', 'x-secret'], 'marks compose')
  t.same(schema.required, ['PORT', 'DATABASE_URL', 'DEMO_PASSWORD'], 'RequiredInProduction inside Secret stays optional')
})

t.test('an absent optional secret is simply absent', async (t) => {
  const env = loadConfig(schema, { source })
  t.equal(env.SENTRY_DSN, undefined)
  t.notOk('SENTRY_DSN' in JSON.parse(JSON.stringify(env)))
})
