import t from 'tap'
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify'
import type { Test } from 'tap'
import security, { type CorsOptions } from '../src/index.js'

async function build (t: Test, cors: Partial<CorsOptions> = {}, rateLimit: object = { max: 2 }): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { cors: { origins: ['https://app.example.com'], ...cors }, rateLimit })
  app.post('/orders', async () => 'created')
  return app
}

function preflight (origin: string, url = '/orders', requestHeaders = 'content-type, x-evil'): InjectOptions | string {
  return { method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders } }
}

t.test('an allowed preflight lists explicit methods and headers, never the requested ones, and a max-age', async (t) => {
  const app = await build(t)
  const res = await app.inject(preflight('https://app.example.com'))
  t.equal(res.statusCode, 204)
  t.equal(res.payload, '')
  t.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(res.headers['access-control-allow-methods'], 'GET, HEAD, POST, PUT, PATCH, DELETE')
  t.equal(res.headers['access-control-allow-headers'], 'Content-Type, Authorization')
  t.equal(res.headers['access-control-max-age'], '600')
  t.equal(res.headers.vary, 'Origin')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
})

t.test('methods, allowedHeaders and maxAge are configurable', async (t) => {
  const app = await build(t, { methods: ['get', 'POST'], allowedHeaders: ['X-Api-Key'], maxAge: 0, credentials: true })
  const res = await app.inject(preflight('https://app.example.com'))
  t.equal(res.headers['access-control-allow-methods'], 'GET, POST')
  t.equal(res.headers['access-control-allow-headers'], 'X-Api-Key')
  t.equal(res.headers['access-control-max-age'], '0')
  t.equal(res.headers['access-control-allow-credentials'], 'true')
})

t.test('a preflight for a path with no route still works', async (t) => {
  const app = await build(t)
  const res = await app.inject(preflight('https://app.example.com', '/not/a/route'))
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
})

t.test('a denied preflight gets 204 and no CORS headers', async (t) => {
  const app = await build(t, { strict: true })
  const res = await app.inject(preflight('https://evil.test'))
  t.equal(res.statusCode, 204)
  t.notOk(Object.keys(res.headers).some((name) => name.startsWith('access-control-')))
  t.equal(res.headers.vary, 'Origin')
})

t.test('a preflight without Origin gets 204 and no CORS headers', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'OPTIONS', url: '/orders', headers: { 'access-control-request-method': 'POST' } })
  t.equal(res.statusCode, 204)
  t.equal(res.headers['access-control-allow-methods'], undefined)
})

t.test('an OPTIONS request that is not a preflight goes to the router', async (t) => {
  const app = await build(t)
  app.options('/orders', async () => 'options handler')
  const res = await app.inject({ method: 'OPTIONS', url: '/orders', headers: { origin: 'https://app.example.com' } })
  t.equal(res.payload, 'options handler')
})

t.test('preflights do not count against the rate limit', async (t) => {
  const app = await build(t)
  for (let i = 0; i < 5; i++) t.equal((await app.inject(preflight('https://app.example.com'))).statusCode, 204)
  t.equal((await app.inject({ method: 'POST', url: '/orders' })).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/orders' })).statusCode, 200)
  const limited = await app.inject({ method: 'POST', url: '/orders', headers: { origin: 'https://app.example.com' } })
  t.equal(limited.statusCode, 429)
  t.equal(limited.headers['access-control-allow-origin'], 'https://app.example.com', 'the 429 carries CORS headers')
  t.equal(limited.headers.vary, 'Origin')
})

t.test('CORS works without rate limiting', async (t) => {
  const app = await build(t, {}, false as unknown as object)
  t.equal((await app.inject({ method: 'POST', url: '/orders', headers: { origin: 'https://app.example.com' } })).headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal((await app.inject(preflight('https://app.example.com'))).statusCode, 204)
})

t.test('CORS works without security headers', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { headers: false, rateLimit: false, cors: { origins: ['https://app.example.com'] } })
  app.get('/', async () => 'x')
  const res = await app.inject({ url: '/', headers: { origin: 'https://app.example.com' } })
  t.equal(res.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(res.headers['x-frame-options'], undefined)
})
