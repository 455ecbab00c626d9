import t from 'tap'
import Fastify from 'fastify'
import { serverOptions } from '../src/index.js'

t.test('serverOptions gives the documented production defaults', async (t) => {
  const options = serverOptions()
  t.match(options, {
    bodyLimit: 1_048_576,
    trustProxy: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    http: { connectionsCheckingInterval: 2_000, headersTimeout: 15_000 }
  })
  t.type(options.http?.ServerResponse, 'function', 'security\'s ServerResponse (tested end to end in answers-below-the-hooks)')
})

t.test('a Fastify built from it has the timeouts on its server', async (t) => {
  const app = Fastify({ ...serverOptions(), logger: false })
  t.teardown(() => app.close())
  await app.ready()
  t.equal(app.server.requestTimeout, 30_000)
  t.equal(app.server.headersTimeout, 15_000)
  t.equal(app.server.keepAliveTimeout, 72_000)
  t.equal((app.server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval, 2_000)
})

t.test('X-Forwarded-For does not choose request.ip', async (t) => {
  const app = Fastify({ ...serverOptions(), logger: false })
  app.get('/', async (request) => ({ ip: request.ip }))
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/', headers: { 'x-forwarded-for': '6.6.6.6' } })
  t.equal(res.json().ip, '127.0.0.1')
})

t.test('prototype poisoning in a body is refused', async (t) => {
  const app = Fastify({ ...serverOptions(), logger: false })
  app.post('/', async (request) => request.body)
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"admin":true}}' })
  t.equal(res.statusCode, 400)
  const ctor = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{"constructor":{"prototype":{"admin":true}}}' })
  t.equal(ctor.statusCode, 400)
})

t.test('overrides win key by key; http is merged', async (t) => {
  const options = serverOptions({ trustProxy: ['10.0.0.0/8'], bodyLimit: 10, http: { headersTimeout: 5_000 } })
  t.same(options.trustProxy, ['10.0.0.0/8'])
  t.equal(options.bodyLimit, 10)
  t.same(options.http, { connectionsCheckingInterval: 2_000, headersTimeout: 5_000, ServerResponse: options.http?.ServerResponse })
  t.equal(options.requestTimeout, 30_000)
})

t.test('the log level follows LOG_LEVEL', async (t) => {
  const before = process.env.LOG_LEVEL
  t.teardown(() => { if (before === undefined) delete process.env.LOG_LEVEL; else process.env.LOG_LEVEL = before })
  process.env.LOG_LEVEL = 'warn'
  t.match(serverOptions().logger, { level: 'warn' })
  delete process.env.LOG_LEVEL
  t.match(serverOptions().logger, { level: 'info' })
})
