import t from 'tap'
import Fastify from 'fastify'
import fastifyEnv from '@fastify/env'
import { logCapture } from '@fastify-production/test-support'
import production, { Secret, Type } from '../../src/index.js'

const envSchema = { type: 'object', required: ['PORT'], properties: { PORT: { type: 'number', default: 3000 } } }

t.test('@fastify/env registered first: the umbrella with no options boots and fastify.config stays @fastify/env\'s', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(fastifyEnv, { schema: envSchema, data: { PORT: '4000' } })
  await app.register(production)
  t.teardown(() => app.close())
  await app.ready()
  t.same((app as unknown as { config: unknown }).config, { PORT: 4000 }, 'the app\'s config is untouched')
  t.ok(logs.lines.some((l) => /@fastify\/env|fastify\.config/.test(String(l.msg)) && l.level === 30), 'one info line says config was left to it')
  t.equal((await app.inject('/health/ready')).statusCode, 200, 'the rest of the suite works')
})

t.test('@fastify/env plus a config schema under the same name: one coded refusal naming the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyEnv, { schema: envSchema, data: {} })
  app.register(production, { config: { schema: Type.Object({ DATABASE_URL: Secret(Type.String()) }), source: { DATABASE_URL: 'postgres://u:p@h/db' } } })
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_CONFIG_DECORATOR_TAKEN', message: /decorator/ })
})

t.test('the documented fix: our config under another decorator name, beside @fastify/env', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyEnv, { schema: envSchema, data: {} })
  await app.register(production, { config: { schema: Type.Object({ DATABASE_URL: Secret(Type.String()) }), source: { DATABASE_URL: 'postgres://u:p@h/db' }, decorator: 'settings' } })
  await app.ready()
  t.same((app as unknown as { config: unknown }).config, { PORT: 3000 })
  t.equal((app as unknown as { settings: { DATABASE_URL: string } }).settings.DATABASE_URL, 'postgres://u:p@h/db')
})
