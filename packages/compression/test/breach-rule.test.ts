import t, { type Test } from 'tap'
import Fastify from 'fastify'
import compression from '../src/index.js'
import { document, listen, request } from './helpers/http.js'

const body = document(8000)
const AE = { 'accept-encoding': 'br, gzip' }

async function app (t: Test, options: object = {}): Promise<number> {
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(compression, options)
  // A page that reflects the query next to a per-user secret: what BREACH guesses byte by byte.
  fastify.get('/account', async (request) => ({ search: (request.query as { q?: string }).q ?? '', csrf: 'secret-token', ...body }))
  fastify.get('/login', async (_request, reply) => reply.header('set-cookie', 'sid=abc; HttpOnly; Secure').send(body))
  fastify.get('/catalog', { config: { production: { compress: 'always' } } }, async () => body)
  return await listen(fastify)
}

t.test('default rule: a request with a Cookie, or a response setting one, goes out uncompressed', async (t) => {
  const port = await app(t)
  const withCookie = await request(port, '/account?q=csrf=a', { ...AE, cookie: 'sid=abc' })
  t.equal(withCookie.headers['content-encoding'], undefined, 'cookie-authenticated: not compressed')
  t.equal(withCookie.headers.vary, 'accept-encoding')
  t.match(JSON.parse(withCookie.text), { search: 'csrf=a', csrf: 'secret-token' })

  const setsCookie = await request(port, '/login', AE)
  t.equal(setsCookie.headers['content-encoding'], undefined, 'a response that sets a cookie: not compressed')
  t.ok(setsCookie.headers['set-cookie'])

  const bearer = await request(port, '/account?q=x', { ...AE, authorization: 'Bearer token' })
  t.equal(bearer.headers['content-encoding'], 'br', 'a bearer token is never sent by a browser on its own: compressed')
})

t.test('config.production.compress: \'always\' compresses a route even for cookie requests', async (t) => {
  const port = await app(t)
  const res = await request(port, '/catalog', { ...AE, cookie: 'sid=abc' })
  t.equal(res.headers['content-encoding'], 'br')
  t.same(JSON.parse(res.text), body)
})

t.test('credentialed: \'compress\' turns the rule off for the whole app', async (t) => {
  const port = await app(t, { credentialed: 'compress' })
  t.equal((await request(port, '/account?q=x', { ...AE, cookie: 'sid=abc' })).headers['content-encoding'], 'br')
  const login = await request(port, '/login', AE)
  t.equal(login.headers['content-encoding'], 'br')
  t.equal(login.headers.vary, 'accept-encoding')
})
