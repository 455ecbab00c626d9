import t from 'tap'
import { holder, sendRaw, type Held } from '@fastify-production/test-support'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { once } from 'node:events'
import http2 from 'node:http2'
import type { AddressInfo } from 'node:net'
import { PassThrough } from 'node:stream'
import metrics from '../src/index.js'
import { ABORTED_STATUS } from '../src/http-metrics.js'
import { parseExposition } from './exposition.js'

const COUNT = 'http_request_duration_seconds_count'

async function start (t: { teardown: (fn: () => unknown) => void }, app: FastifyInstance = Fastify()): Promise<{ app: FastifyInstance, port: () => number }> {
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  return { app, port: () => (app.server.address() as AddressInfo).port }
}

/** Sends `head`, waits for the handler, closes the connection (after the first bytes with `afterData`), waits for the server to see it. */
async function abandon (port: number, held: Held<FastifyReply>, head: string, afterData = false): Promise<FastifyReply> {
  const socket = await sendRaw(port, head)
  const { reply } = await held.arrived
  if (afterData) await once(socket, 'data')
  const closed = once(reply.raw, 'close')
  socket.destroy()
  await closed
  return reply
}

async function scrape (app: FastifyInstance) {
  return parseExposition((await app.inject('/metrics')).body)
}

t.test('a request the client abandons is counted once, as 499, and leaves the in-flight count', async (t) => {
  const { app, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  let lateSent!: () => void
  const late = new Promise<void>((resolve) => { lateSent = resolve })
  app.get('/slow', {
    onSend: (_request, _reply, payload, done) => {
      done(null, payload)
      lateSent()
    }
  }, async (_request, reply) => {
    await hold(reply)
    return 'late'
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  await abandon(port(), held, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')

  const exposition = await scrape(app)
  t.equal(exposition.sum(COUNT, { method: 'GET', route: '/slow', status_code: String(ABORTED_STATUS) }), 1, 'one 499 observation')
  t.ok(exposition.sum('http_request_duration_seconds_sum', { route: '/slow' }) > 0, 'with the time until the client left')
  t.equal(exposition.sum('http_requests_in_flight'), 1, 'only the scrape itself is in flight')

  // The handler answers after all: nothing reaches the client and nothing more is counted.
  held.release()
  await late
  const after = await scrape(app)
  t.same(after.select(COUNT, { route: '/slow' }).map((s) => [s.labels.status_code, s.value]), [['499', 1]])
})

t.test('a POST whose body was read, abandoned while its handler runs, is counted as 499', async (t) => {
  // Fastify's onRequestAbort hook does not fire here: Node sets req.aborted only while the body is unread.
  const { app, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.post('/orders', async (request, reply) => {
    await hold(reply)
    return request.body
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  await abandon(port(), held, 'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"n":123}')
  held.release()
  t.equal((await scrape(app)).sum(COUNT, { method: 'POST', route: '/orders', status_code: '499' }), 1)
})

t.test('a response cut off while it is being written is 499, not the status it had sent', async (t) => {
  const { app, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.get('/export', async (_request, reply) => {
    const body = new PassThrough()
    body.write('x'.repeat(64))
    hold(reply).then(() => body.end('y'.repeat(36)))
    return reply.header('content-length', '100').send(body)
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  await abandon(port(), held, 'GET /export HTTP/1.1\r\nHost: x\r\n\r\n', true)
  held.release()
  const exposition = await scrape(app)
  t.same(exposition.select(COUNT, { route: '/export' }).map((s) => [s.labels.status_code, s.value]), [['499', 1]])
})

t.test('an abandoned unmatched URL is counted under the unmatched route; a route without metrics is not counted', async (t) => {
  const { app, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.setNotFoundHandler(async (_request, reply) => {
    await hold(reply)
    return reply.code(404).send('late')
  })
  app.get('/quiet', { config: { production: { metrics: false } } }, async (_request, reply) => {
    await hold(reply)
    return 'late'
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const missing = next()
  await abandon(port(), missing, 'GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n')
  missing.release()
  const quiet = next()
  await abandon(port(), quiet, 'GET /quiet HTTP/1.1\r\nHost: x\r\n\r\n')
  quiet.release()
  const exposition = await scrape(app)
  t.equal(exposition.sum(COUNT, { route: '__unmatched__', status_code: '499' }), 1)
  t.same(exposition.select(COUNT, { route: '/quiet' }), [])
  t.equal(exposition.sum('http_requests_in_flight'), 1, 'both left the in-flight count')
})

t.test('a finished response is never counted as aborted, even when it is recorded after the close', async (t) => {
  const { app, port } = await start(t)
  const closedFirst: boolean[] = []
  // An async app-level onResponse hook runs before the route's: the route records after the response closed.
  app.addHook('onResponse', async (request, reply) => {
    if (request.url !== '/') return
    if (!reply.raw.closed) await once(reply.raw, 'close')
    closedFirst.push(reply.raw.closed)
  })
  app.get('/', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const response = await fetch(`http://127.0.0.1:${port()}/`)
  await response.text()
  // The scrape waits for nothing: wait until the route has recorded.
  let exposition = await scrape(app)
  while (exposition.sum(COUNT, { route: '/' }) === 0) exposition = await scrape(app)
  t.same(closedFirst, [true])
  t.same(exposition.select(COUNT, { route: '/' }).map((s) => [s.labels.status_code, s.value]), [['200', 1]])
})

t.test('a completion Node reports after the close adds nothing', async (t) => {
  // Node reports nothing more for a closed response today; the count stays one if it ever does.
  const { app, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.get('/slow', async (_request, reply) => {
    await hold(reply)
    reply.raw.emit('error', new Error('reported late'))
    return 'late'
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  await abandon(port(), held, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
  held.release()
  const exposition = await scrape(app)
  t.same(exposition.select(COUNT, { route: '/slow' }).map((s) => [s.labels.status_code, s.value]), [['499', 1]])
})

t.test('an HTTP/2 stream the client cancels is counted as 499', async (t) => {
  // Node reports a reset stream's response as finished: the request's `aborted` tells it apart.
  const { app, port } = await start(t, Fastify({ http2: true }) as unknown as FastifyInstance)
  const { hold, next } = holder<FastifyReply>()
  app.get('/slow', async (_request, reply) => {
    await hold(reply)
    return 'late'
  })
  app.get('/fast', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const client = http2.connect(`http://127.0.0.1:${port()}`)
  t.teardown(() => client.close())
  const held = next()
  const stream = client.request({ ':path': '/slow' })
  const { reply } = await held.arrived
  const closed = once(reply.raw, 'close')
  stream.close(http2.constants.NGHTTP2_CANCEL)
  await closed
  held.release()
  const fast = client.request({ ':path': '/fast' })
  fast.resume()
  await once(fast, 'end')
  const exposition = await scrape(app)
  t.same(exposition.select(COUNT, { route: '/slow' }).map((s) => [s.labels.status_code, s.value]), [['499', 1]])
  t.same(exposition.select(COUNT, { route: '/fast' }).map((s) => [s.labels.status_code, s.value]), [['200', 1]])
})
