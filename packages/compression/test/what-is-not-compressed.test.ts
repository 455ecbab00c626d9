import t from 'tap'
import Fastify from 'fastify'
import { gzipSync } from 'node:zlib'
import compression from '../src/index.js'
import { document, listen, request } from './helpers/http.js'

const AE = { 'accept-encoding': 'br, gzip' }

t.test('with the BREACH rule off, octet-stream is still sent as is', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression, { credentialed: 'compress' })
  app.get('/bytes', async (_request, reply) => reply.type('application/octet-stream').send(Buffer.from('y'.repeat(5000))))
  const port = await listen(app)
  t.equal((await request(port, '/bytes', AE)).headers['content-encoding'], undefined)
})

t.test('below the threshold, already-compressed types and encodings, event streams and ranges stay as they are', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression, { threshold: 2048 })
  const big = 'x'.repeat(10_000)
  app.get('/small', async () => document(1000))
  app.get('/png', async (_request, reply) => reply.type('image/png').send(Buffer.from(big)))
  app.get('/zip', async (_request, reply) => reply.type('application/zip').send(Buffer.from(big)))
  app.get('/bytes', async (_request, reply) => reply.type('application/octet-stream').send(Buffer.from(big)))
  app.get('/events', async (_request, reply) => reply.type('text/event-stream').send(big))
  app.get('/gzipped', async (_request, reply) => reply.type('text/plain').header('content-encoding', 'gzip').send(gzipSync(big)))
  app.get('/range', async (_request, reply) => reply.code(206).type('text/plain').header('content-range', 'bytes 0-9999/20000').send(big))
  app.get('/svg', async (_request, reply) => reply.type('image/svg+xml').send(`<svg>${big}</svg>`))
  app.get('/js', async (_request, reply) => reply.type('application/javascript').send(`// ${big}`))
  const port = await listen(app)

  const small = await request(port, '/small', AE)
  t.equal(small.headers['content-encoding'], undefined, `${small.raw.length} bytes: below the 2048-byte threshold`)
  t.equal(small.headers.vary, 'accept-encoding')
  for (const path of ['/png', '/zip', '/bytes', '/events', '/range']) {
    const res = await request(port, path, AE)
    t.equal(res.headers['content-encoding'], undefined, `${path}: not compressed`)
    t.equal(res.text, big, `${path}: sent as is`)
  }
  const gzipped = await request(port, '/gzipped', AE)
  t.equal(gzipped.headers['content-encoding'], 'gzip', 'a body the route encoded itself is not encoded again')
  t.equal(gzipped.text, big)
  for (const path of ['/svg', '/js']) {
    t.equal((await request(port, path, AE)).headers['content-encoding'], 'br', `${path}: text-like, compressed`)
  }
})

t.test('config.production.compress: false and @fastify/compress\'s own compress: false leave a route without any hook', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  app.get('/suite', { config: { production: { compress: false } } }, async () => document(5000))
  app.get('/upstream', { compress: false }, async () => document(5000))
  const port = await listen(app)
  for (const path of ['/suite', '/upstream']) {
    const res = await request(port, path, AE)
    t.equal(res.headers['content-encoding'], undefined, `${path}: not compressed`)
    t.equal(res.headers.vary, undefined, `${path}: no Vary either`)
  }
  t.notMatch(app.printRoutes({ includeHooks: true }), /onRequest|compress/, 'neither route runs a hook of compression')
})

t.test('a route\'s own onSend hooks (function or list) are kept, compression runs after them', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  const stamp = (_request: unknown, reply: { header: (k: string, v: string) => void }, payload: unknown, done: (err: null, p: unknown) => void): void => {
    reply.header('x-stamped', 'yes')
    done(null, payload)
  }
  app.get('/one', { onSend: stamp }, async () => document(5000))
  app.get('/list', { onSend: [stamp] }, async () => document(5000))
  const port = await listen(app)
  for (const path of ['/one', '/list']) {
    const res = await request(port, path, AE)
    t.equal(res.headers['x-stamped'], 'yes')
    t.equal(res.headers['content-encoding'], 'br')
  }
})

t.test('request bodies are not inflated: this plugin compresses responses only', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(compression)
  app.post('/echo', async (request) => request.body)
  const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: gzipSync('{"a":1}') })
  t.equal(res.statusCode, 400, 'the gzip bytes reach the JSON parser as sent: not inflated by this plugin')
})
