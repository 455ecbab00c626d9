import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import config, { Secret } from '../src/index.js'

const schema = Type.Object({
  PORT: Type.Integer({ default: 3000 }),
  DATABASE_URL: Secret(Type.String()),
  DEMO_PASSWORD: Secret(Type.String())
})
const source = { DATABASE_URL: 'postgres://x', DEMO_PASSWORD: 'pw' }

// A stand-in for @fastify-production/logging's public decorator: `fastify.logging.redactKeys(keys)`.
function fakeLogging (calls: string[][]) {
  return fp(async (fastify: FastifyInstance) => {
    fastify.decorate('logging', { redactKeys: (keys: string[]) => { calls.push([...keys]) } })
  }, { name: 'fake-logging' })
}

t.test('logging registered first: secret names handed over at registration', async (t) => {
  const calls: string[][] = []
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fakeLogging(calls))
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
  await app.register(fakeLogging(calls))
  t.same(calls, [])
  await app.ready()
  t.same(calls, [['DATABASE_URL', 'DEMO_PASSWORD']])
})

t.test('no logging decorator: nothing to do, the app boots', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, { schema, source })
  await t.resolves(async () => { await app.ready() })
})

t.test('no secrets: logging is not called', async (t) => {
  const calls: string[][] = []
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fakeLogging(calls))
  await app.register(config, { schema: Type.Object({ PORT: Type.Integer({ default: 1 }) }), source: {} })
  await app.ready()
  t.same(calls, [])
})

t.test('a logging decorator without redactKeys is left alone', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.decorate('logging', {})
  await app.register(config, { schema, source })
  await t.resolves(async () => { await app.ready() })
})
