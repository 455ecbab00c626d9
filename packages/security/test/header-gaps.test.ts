import t from 'tap'
import { once } from 'node:events'
import { connect } from 'node:net'
import { rawExchange } from './helpers/raw-exchange.js'
import Fastify from 'fastify'
import security from '../src/index.js'

// The README documents these as the responses Fastify writes below the hook layer (unless the
// constructor gets clientErrorHandler() / frameworkErrorHandler()). These tests keep that table
// true: if Fastify starts running hooks for one of them, a test here fails and the README changes.

t.test('a malformed request (clientError 400) is answered without the headers', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const response = await rawExchange((app.server.address() as { port: number }).port, 'GARBAGE\r\n\r\n')
  t.match(response, /^HTTP\/1\.1 400 Bad Request/)
  t.notMatch(response.toLowerCase(), /x-frame-options/)
})

t.test('headers too large (clientError 431) are answered without the headers', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const response = await rawExchange((app.server.address() as { port: number }).port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(response, /^HTTP\/1\.1 431/)
  t.notMatch(response.toLowerCase(), /x-frame-options/)
})

t.test('an HTTP/1.1 request without Host (Node\'s own 400, requireHostHeader) is answered without the headers', async (t) => {
  const app = Fastify({ clientErrorHandler: () => { t.fail('not a clientError') } })
  t.teardown(() => app.close())
  await app.register(security)
  app.addHook('onRequest', async () => { t.fail('Fastify never sees it') })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const response = await rawExchange((app.server.address() as { port: number }).port, 'GET / HTTP/1.1\r\n\r\n')
  t.match(response, /^HTTP\/1\.1 400 Bad Request/)
  t.notMatch(response.toLowerCase(), /x-frame-options/)
})

t.test('a URL Fastify cannot decode (FST_ERR_BAD_URL 400) is answered without the headers', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  app.get('/:id', async () => 'x')
  const res = await app.inject('/%E0%A4%A')
  t.equal(res.statusCode, 400)
  t.equal(res.headers['x-frame-options'], undefined)
})

t.test('the 503 Fastify sends while closing (return503OnClosing) has no headers', async (t) => {
  const app = Fastify({ forceCloseConnections: false })
  await app.register(security)
  let release: () => void = () => {}
  let entered: () => void = () => {}
  const held = new Promise<void>((resolve) => { release = resolve })
  const inHandler = new Promise<void>((resolve) => { entered = resolve })
  app.get('/slow', async () => { entered(); await held; return 'done' })
  app.get('/ok', async () => 'ok')
  await app.listen({ port: 0, host: '127.0.0.1' })
  // A request in flight keeps the server open while it closes; a second request pipelined on the
  // same connection then reaches Fastify's router while it is closing.
  const socket = connect((app.server.address() as { port: number }).port, '127.0.0.1')
  await once(socket, 'connect')
  let text = ''
  socket.on('data', (chunk: Buffer) => { text += chunk.toString() })
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
  await inHandler
  const closing = app.close()
  const second = once(app.server, 'request')
  socket.write('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n')
  await second
  release()
  await once(socket, 'close')
  await closing
  const split = text.indexOf('HTTP/1.1', 1)
  t.match(text, /^HTTP\/1\.1 200 OK/)
  t.match(text.slice(0, split).toLowerCase(), /x-frame-options: deny/, 'the request in flight got the headers')
  t.match(text.slice(split), /^HTTP\/1\.1 503/)
  t.notMatch(text.slice(split).toLowerCase(), /x-frame-options/)
})
