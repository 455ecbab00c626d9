import t from 'tap'
import { request as httpRequest } from 'node:http'
import { once } from 'node:events'
import { setTimeout as delay } from 'node:timers/promises'
import Fastify from 'fastify'
import logging, { getLogger, requestContext, requestIdOptions, codes } from '../src/index.js'
import { build } from './build-app.js'

// A service-layer function: it knows nothing about the request and still logs with its id.
async function loadOrder (id: string): Promise<{ id: string }> {
  getLogger().info({ orderId: id }, 'service: before await')
  await Promise.resolve()
  await new Promise<void>((resolve) => setTimeout(() => {
    getLogger().info('service: in setTimeout')
    resolve()
  }, 1))
  await Promise.all([1, 2].map(async (n) => {
    await delay(1)
    getLogger().info({ n }, 'service: in Promise.all')
  }))
  queueMicrotask(() => getLogger().info('service: in a microtask'))
  await new Promise<void>((resolve) => setImmediate(resolve))
  return { id }
}

t.test('getLogger() inside nested async work returns the request logger', async (t) => {
  const { app, logs } = await build(t)
  app.get('/orders/:id', async (request) => loadOrder((request.params as { id: string }).id))
  const [a, b] = await Promise.all([
    app.inject({ url: '/orders/1', headers: { 'x-request-id': 'ctx-a' } }),
    app.inject({ url: '/orders/2', headers: { 'x-request-id': 'ctx-b' } })
  ])
  t.same([a.statusCode, b.statusCode], [200, 200])
  await logs.next((l) => l.msg === 'request completed' && l.reqId === 'ctx-a')
  await logs.next((l) => l.msg === 'request completed' && l.reqId === 'ctx-b')
  for (const id of ['ctx-a', 'ctx-b']) {
    const service = logs.lines.filter((l) => String(l.msg).startsWith('service:') && l.reqId === id)
    t.equal(service.length, 5, `all five service lines of ${id} carry its id`)
  }
  t.notOk(logs.lines.some((l) => String(l.msg).startsWith('service:') && l.reqId === undefined), 'no line lost its request')
})

t.test('outside a request getLogger() is the root logger; before any app it throws a coded error', async (t) => {
  t.throws(() => getLogger(), { code: 'FP_ERR_LOGGING_NOT_REGISTERED' })
  t.equal(requestContext(), undefined)
  const { app, logs } = await build(t)
  await app.ready()
  t.equal(getLogger(), app.log)
  getLogger().info('at boot')
  t.match(logs.lines.at(-1), { msg: 'at boot' })
  t.notOk(logs.lines.at(-1)?.reqId)
  const second = await build(t)
  t.equal(getLogger(), second.app.log, 'the newest app wins')
  await second.app.close()
  t.equal(getLogger(), app.log, 'a closed app is forgotten')
  await app.close()
  t.throws(() => getLogger(), codes.FP_ERR_LOGGING_NOT_REGISTERED)
})

t.test('requestContext(): the id, and fields that appear on every later line, the access line included', async (t) => {
  const { app, logs } = await build(t)
  app.addHook('preHandler', async () => {
    // As an authentication hook would.
    requestContext()?.set({ userId: 'u-42', tenant: 'acme' })
  })
  app.get('/me', async () => {
    const ctx = requestContext()
    getLogger().info('handler')
    ctx?.set({ tenant: 'globex' })
    getLogger().info('after change')
    return { requestId: ctx?.requestId, userId: ctx?.get('userId'), fields: ctx?.fields, traceId: ctx?.traceId ?? null, spanId: ctx?.spanId ?? null }
  })
  const res = await app.inject({ url: '/me', headers: { 'x-request-id': 'me-1' } })
  t.same(res.json(), { requestId: 'me-1', userId: 'u-42', fields: { userId: 'u-42', tenant: 'globex' }, traceId: null, spanId: null })
  const access = await logs.next((l) => l.msg === 'request completed')
  t.match(logs.lines.find((l) => l.msg === 'handler'), { reqId: 'me-1', userId: 'u-42', tenant: 'acme' })
  t.match(logs.lines.find((l) => l.msg === 'after change'), { reqId: 'me-1', userId: 'u-42', tenant: 'globex' })
  t.match(access, { reqId: 'me-1', userId: 'u-42', tenant: 'globex' })
  const raw = JSON.stringify(access)
  t.equal(raw.split('"tenant"').length, 2, 'a field set twice appears once')
})

t.test('a context nobody set fields on reads empty', async (t) => {
  const { app } = await build(t)
  app.get('/', async () => {
    const ctx = requestContext()
    return { fields: ctx?.fields, user: ctx?.get('userId') ?? null, trace: ctx?.traceId ?? null, span: ctx?.spanId ?? null }
  })
  t.same((await app.inject({ url: '/' })).json(), { fields: {}, user: null, trace: null, span: null })
})

t.test('over a real socket, a body that arrives later still runs the handler in the request context', async (t) => {
  const { app, logs } = await build(t)
  let bodyStarted!: () => void
  const started = new Promise<void>((resolve) => { bodyStarted = resolve })
  app.addHook('preParsing', async () => { bodyStarted() })
  app.post('/orders', async (request) => {
    getLogger().info('handler after body')
    await delay(1)
    getLogger().info('handler after timer')
    return request.body
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/orders', headers: { 'content-type': 'application/json', 'x-request-id': 'sock-1', 'content-length': 9 } })
  req.write('{"a":')
  // The rest goes only once the server is waiting for it: it arrives in a later socket read.
  await started
  req.end('123}')
  const [res] = await once(req, 'response') as [import('node:http').IncomingMessage]
  res.resume()
  await once(res, 'end')
  t.equal(res.headers['x-request-id'], 'sock-1')
  await logs.next((l) => l.msg === 'request completed')
  t.equal(logs.lines.find((l) => l.msg === 'handler after body')?.reqId, 'sock-1')
  t.equal(logs.lines.find((l) => l.msg === 'handler after timer')?.reqId, 'sock-1')
})

t.test('with Fastify\'s logger off, the plugin still echoes ids and getLogger() works', async (t) => {
  const app = Fastify(requestIdOptions())
  t.teardown(() => app.close())
  await app.register(logging)
  app.get('/', async () => {
    getLogger().info('goes nowhere')
    app.logging.redactKeys(['X'])
    return app.logging.redactedKeys
  })
  const res = await app.inject({ url: '/', headers: { 'x-request-id': 'off-1' } })
  t.same(res.json(), ['X'])
  t.equal(res.headers['x-request-id'], 'off-1')
})
