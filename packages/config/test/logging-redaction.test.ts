import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { provide, LoggingCap } from '@fastify-production/core'
import config, { Secret } from '../src/index.js'

const schema = Type.Object({
  PORT: Type.Integer({ default: 3000 }),
  DATABASE_URL: Secret(Type.String()),
  DEMO_PASSWORD: Secret(Type.String())
})
const source = { DATABASE_URL: 'postgres://x', DEMO_PASSWORD: 'pw' }

// What @fastify-production/logging provides, recorded: packages never import each other, and the
// real cooperation (secrets censored in real log lines) is tested in fastify-production.
function recordingLogging (calls: string[][]) {
  return fp(async (fastify: FastifyInstance) => {
    provide(fastify, LoggingCap, { redactKeys: (keys) => { calls.push([...keys]) } }, 'test')
  }, { name: 'recording-logging' })
}

t.test('logging registered first: secret names handed over at registration', async (t) => {
  const calls: string[][] = []
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(recordingLogging(calls))
  await app.register(config, { schema, source })
  t.same(calls, [['DATABASE_URL', 'DEMO_PASSWORD']], 'before the app is even ready')
  await app.ready()
  t.equal(calls.length, 1, 'once')
})

t.test('logging registered after config (the umbrella\'s order): handed over when the app is ready', async (t) => {
  const calls: string[][] = []
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, { schema, source })
  await app.register(recordingLogging(calls))
  t.same(calls, [])
  await app.ready()
  t.same(calls, [['DATABASE_URL', 'DEMO_PASSWORD']])
})

t.test('no logging: nothing to do, the app boots', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, { schema, source })
  await t.resolves(async () => { await app.ready() })
})

t.test('no secrets: logging is not called', async (t) => {
  const calls: string[][] = []
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(recordingLogging(calls))
  await app.register(config, { schema: Type.Object({ PORT: Type.Integer({ default: 1 }) }), source: {} })
  await app.ready()
  t.same(calls, [])
})

t.test('another plugin\'s `logging` decorator is not ours: it is never called', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const calls: string[][] = []
  app.decorate<unknown, string>('logging', { redactKeys: (keys: string[]) => { calls.push(keys) } })
  await app.register(config, { schema, source })
  await app.ready()
  t.same(calls, [])
})

t.test('config leaving fastify.config to another plugin still hands its secrets over (with `decorator`)', async (t) => {
  const calls: string[][] = []
  const app = Fastify()
  t.teardown(() => app.close())
  app.decorate<unknown, string>('config', { theirs: true })
  await app.register(recordingLogging(calls))
  await app.register(config, { schema, source, decorator: 'env' })
  t.same(calls, [['DATABASE_URL', 'DEMO_PASSWORD']])
})
