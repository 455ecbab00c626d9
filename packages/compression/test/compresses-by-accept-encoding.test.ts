import t from 'tap'
import Fastify from 'fastify'
import { Readable } from 'node:stream'
import compression from '../src/index.js'
import { document, listen, request } from './helpers/http.js'

t.test('br or gzip by Accept-Encoding, identity without it; Vary: accept-encoding on every answer', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  const body = document(20_000)
  app.get('/orders', async () => body)
  const port = await listen(app)
  const expected = JSON.stringify(body)

  const br = await request(port, '/orders', { 'accept-encoding': 'gzip, deflate, br' })
  t.equal(br.headers['content-encoding'], 'br', 'br first when the client takes both')
  t.equal(br.text, expected)
  t.ok(br.raw.length < expected.length / 4, `br: ${br.raw.length} bytes on the wire for ${expected.length}`)
  t.equal(br.headers.vary, 'accept-encoding')

  const gzip = await request(port, '/orders', { 'accept-encoding': 'gzip' })
  t.equal(gzip.headers['content-encoding'], 'gzip')
  t.equal(gzip.text, expected)
  t.equal(gzip.headers.vary, 'accept-encoding')

  const deflateOnly = await request(port, '/orders', { 'accept-encoding': 'deflate' })
  t.equal(deflateOnly.headers['content-encoding'], undefined, 'deflate is not offered')
  t.equal(deflateOnly.text, expected)

  const plain = await request(port, '/orders')
  t.equal(plain.headers['content-encoding'], undefined)
  t.equal(plain.text, expected)
  t.equal(plain.headers.vary, 'accept-encoding', 'an uncompressed answer varies too, so no cache hands it to everyone')
})

t.test('a Vary set by the route (CORS\'s Origin) is kept, accept-encoding added once', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  app.get('/cors', async (_request, reply) => reply.header('vary', 'Origin').send(document(5000)))
  app.get('/already', async (_request, reply) => reply.header('vary', 'Accept-Encoding').send(document(5000)))
  app.get('/star', async (_request, reply) => reply.header('vary', '*').send(document(5000)))
  app.get('/list', async (_request, reply) => reply.header('vary', ['Origin', 'Cookie']).send(document(5000)))
  const port = await listen(app)

  t.equal((await request(port, '/cors', { 'accept-encoding': 'gzip' })).headers.vary, 'Origin, accept-encoding')
  t.equal((await request(port, '/already', { 'accept-encoding': 'gzip' })).headers.vary, 'accept-encoding', 'another spelling is not added twice')
  t.equal((await request(port, '/star')).headers.vary, '*')
  t.equal((await request(port, '/list', { 'accept-encoding': 'gzip' })).headers.vary, 'Origin, Cookie, accept-encoding')
})

t.test('a streamed body is compressed as it goes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`)
  app.get('/export', async (_request, reply) => reply.type('text/plain').send(Readable.from(lines)))
  const port = await listen(app)
  const res = await request(port, '/export', { 'accept-encoding': 'br' })
  t.equal(res.headers['content-encoding'], 'br')
  t.equal(res.text, lines.join(''))
})

t.test('the encodings option picks what is offered and in which order', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression, { encodings: ['gzip'], gzipLevel: 9, brotliQuality: 11 })
  app.get('/orders', async () => document(5000))
  const port = await listen(app)
  t.equal((await request(port, '/orders', { 'accept-encoding': 'br, gzip' })).headers['content-encoding'], 'gzip')
  t.equal((await request(port, '/orders', { 'accept-encoding': 'br' })).headers['content-encoding'], undefined)
})

t.test('HEAD (Fastify\'s own head route) answers without a body, with Vary, and is not wrapped twice', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  app.get('/orders', async () => document(5000))
  const port = await listen(app)
  const head = await request(port, '/orders', { 'accept-encoding': 'gzip' }, 'HEAD')
  t.equal(head.status, 200)
  // Fastify empties a HEAD payload before the route's onSend hooks, so @fastify/compress sees nothing to compress.
  t.equal(head.headers['content-encoding'], undefined)
  t.equal(head.headers.vary, 'accept-encoding')
  t.equal(head.raw.length, 0)
  t.match(app.printRoutes({ includeHooks: true }), /orders \(HEAD\)\n.*\n.*\["headRouteOnSendHandler\(\)","compressUnlessCredentialed\(\)"\]/, 'one compression hook on the head route')
})
