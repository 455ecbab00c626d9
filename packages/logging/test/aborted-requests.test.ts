import t from 'tap'
import { holder, sendRaw } from '@fastify-production/test-support'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import http2 from 'node:http2'
import { PassThrough } from 'node:stream'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import logging, { loggerOptions, requestIdOptions } from '../src/index.js'
import { capture, type Captured } from './build-app.js'

async function start (t: { teardown: (fn: () => unknown) => void }): Promise<{ app: FastifyInstance, logs: Captured, port: () => number, options: ReturnType<typeof requestIdOptions> }> {
  const logs = capture()
  const options = requestIdOptions()
  const app = Fastify({ ...options, logger: loggerOptions({ stream: logs.stream }) as object })
  t.teardown(() => app.close())
  await app.register(logging)
  return { app, logs, port: () => (app.server.address() as AddressInfo).port, options }
}

/** A request over its own connection, answered: its access line comes after any line written before. */
async function answered (app: FastifyInstance, logs: Captured, path: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}${path}`)
  await response.text()
  await logs.next((l) => l.url === path)
}

const linesOf = (logs: Captured, id: string): Array<Record<string, unknown>> => logs.lines.filter((l) => l.reqId === id)

t.test('a request the client abandons gets one access line with aborted: true and no status', async (t) => {
  const { app, logs, port } = await start(t)
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
  app.get('/after', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })

  const held = next()
  const socket = await sendRaw(port(), 'GET /slow?token=abc HTTP/1.1\r\nHost: x\r\n\r\n')
  const { reply } = await held.arrived
  const closed = once(reply.raw, 'close')
  socket.destroy()
  await closed
  const line = await logs.next((l) => l.reqId === reply.request.id)
  t.match(line, { level: 'info', msg: 'request completed', method: 'GET', route: '/slow', url: '/slow?token=[REDACTED]', aborted: true, responseTime: Number })
  t.notOk('statusCode' in line, 'nothing was sent: no status')

  // The handler answers after all: nothing reaches the client, and no second line is written.
  held.release()
  await late
  await answered(app, logs, '/after')
  t.equal(linesOf(logs, reply.request.id).length, 1, 'exactly one line for the request')
})

t.test('a POST whose body was read, abandoned while its handler runs, is logged too', async (t) => {
  // Fastify's onRequestAbort hook does not fire here: Node sets req.aborted only while the body is unread.
  const { app, logs, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.post('/orders', async (request, reply) => {
    await hold(reply)
    return request.body
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  const socket = await sendRaw(port(), 'POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{"n":123}')
  const { reply } = await held.arrived
  t.equal(reply.request.raw.readableEnded, true, 'the body was read')
  const closed = once(reply.raw, 'close')
  socket.destroy()
  await closed
  held.release()
  t.match(await logs.next((l) => l.reqId === reply.request.id), { method: 'POST', route: '/orders', aborted: true })
})

t.test('a response cut off while it is being written keeps the status it sent', async (t) => {
  const { app, logs, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.get('/export', async (_request, reply) => {
    const body = new PassThrough()
    body.write('x'.repeat(64))
    hold(reply).then(() => body.end('y'.repeat(36)))
    return reply.code(206).header('content-length', '100').send(body)
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  const socket = await sendRaw(port(), 'GET /export HTTP/1.1\r\nHost: x\r\n\r\n')
  const { reply } = await held.arrived
  await once(socket, 'data')
  const closed = once(reply.raw, 'close')
  socket.destroy()
  await closed
  held.release()
  t.match(await logs.next((l) => l.reqId === reply.request.id), { statusCode: 206, contentLength: 100, aborted: true })
})

t.test('a route with production.accessLog: false stays silent when abandoned', async (t) => {
  const { app, logs, port } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.get('/quiet', { config: { production: { accessLog: false } } }, async (_request, reply) => {
    await hold(reply)
    return 'late'
  })
  app.get('/after', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  const socket = await sendRaw(port(), 'GET /quiet HTTP/1.1\r\nHost: x\r\n\r\n')
  const { reply } = await held.arrived
  const closed = once(reply.raw, 'close')
  socket.destroy()
  await closed
  held.release()
  await answered(app, logs, '/after')
  t.same(linesOf(logs, reply.request.id), [])
})

t.test('a finished response is never logged as aborted, even when its line comes after the close', async (t) => {
  const { app, logs } = await start(t)
  const closedFirst: boolean[] = []
  app.get('/', async () => 'ok')
  // An async onResponse hook of the app's: Fastify reports the request completed after the response closed.
  app.addHook('onResponse', async (_request, reply) => {
    if (!reply.raw.closed) await once(reply.raw, 'close')
    closedFirst.push(reply.raw.closed)
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  await answered(app, logs, '/')
  t.same(closedFirst, [true], 'the response had closed before its line was written')
  const lines = logs.access()
  t.equal(lines.length, 1)
  t.match(lines[0], { statusCode: 200 })
  t.notOk('aborted' in (lines[0] ?? {}))
})

t.test('completion reported after the aborted line was written adds nothing', async (t) => {
  // Node and Fastify report nothing more for a closed response today; the line stays one if either ever does.
  const { app, logs, port, options } = await start(t)
  const { hold, next } = holder<FastifyReply>()
  app.get('/slow', async (request, reply) => {
    await hold(reply)
    options.logController?.requestCompleted(null, request, reply)
    return 'late'
  })
  app.get('/after', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const held = next()
  const socket = await sendRaw(port(), 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
  const { reply } = await held.arrived
  const closed = once(reply.raw, 'close')
  socket.destroy()
  await closed
  held.release()
  await answered(app, logs, '/after')
  const lines = linesOf(logs, reply.request.id)
  t.equal(lines.length, 1)
  t.match(lines[0], { aborted: true })
})

t.test('an HTTP/2 stream the client cancels is logged as aborted', async (t) => {
  // Node reports a reset stream's response as finished: the request's `aborted` tells it apart.
  const logs = capture()
  const app = Fastify({ http2: true, ...(requestIdOptions() as object), logger: loggerOptions({ stream: logs.stream }) as object })
  t.teardown(() => app.close())
  await app.register(logging)
  const { hold, next } = holder<FastifyReply>()
  app.get('/slow', async (_request, reply) => {
    // The HTTP/2 reply's generics differ; the test reads only what both have.
    await hold(reply as unknown as FastifyReply)
    return 'late'
  })
  app.get('/after', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const client = http2.connect(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`)
  t.teardown(() => client.close())
  const held = next()
  const stream = client.request({ ':path': '/slow' })
  const { reply } = await held.arrived
  const closed = once(reply.raw, 'close')
  stream.close(http2.constants.NGHTTP2_CANCEL)
  await closed
  held.release()
  const after = client.request({ ':path': '/after' })
  after.resume()
  await once(after, 'end')
  await logs.next((l) => l.url === '/after')
  const lines = linesOf(logs, reply.request.id)
  t.equal(lines.length, 1)
  t.match(lines[0], { route: '/slow', aborted: true })
  t.notOk('statusCode' in (lines[0] ?? {}), 'nothing was sent')
  t.notOk('aborted' in (logs.lines.find((l) => l.url === '/after') ?? {}), 'a stream answered in full is not')
})
