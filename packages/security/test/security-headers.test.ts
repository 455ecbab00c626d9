import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify'
import security from '../src/index.js'

const API = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store'
}

function pick (headers: Record<string, unknown>, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, headers[name]]))
}

function assertApiHeaders (t: Test, headers: Record<string, unknown>, what: string): void {
  t.same(pick(headers, Object.keys(API)), API, `${what}: the API header set`)
  t.equal(headers['x-powered-by'], undefined, `${what}: no X-Powered-By`)
  t.equal(headers['x-xss-protection'], undefined, `${what}: no header a JSON API does not need`)
}

async function build (t: Test, options: object = {}): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 16 })
  t.teardown(() => app.close())
  // Stands in for load shedding (@fastify/under-pressure): an onRequest hook registered before us.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.headers['x-shed'] === '1') {
      reply.code(503).header('retry-after', '10').send({ shed: true })
      return
    }
    done()
  })
  await app.register(security, { rateLimit: { max: 1000 }, ...options })
  app.get('/ok', async () => ({ ok: true }))
  app.get('/redirect', async (_request, reply) => reply.redirect('/ok'))
  app.get('/teapot', async (_request, reply) => reply.code(418).send({ short: 'stout' }))
  app.get('/thrown', async () => { throw Object.assign(new Error('nope'), { statusCode: 409 }) })
  app.get('/crash', async () => { throw new Error('database password=hunter2') })
  app.post('/echo', async (request) => request.body)
  return app
}

t.test('the API set is on every response the lifecycle sends', async (t) => {
  const app = await build(t)
  const cases: Array<[string, InjectOptions | string, number]> = [
    ['2xx', { url: '/ok' }, 200],
    ['3xx', { url: '/redirect' }, 302],
    ['4xx sent by the handler', { url: '/teapot' }, 418],
    ['4xx from the error handler', { url: '/thrown', remoteAddress: '10.0.0.2' }, 409],
    ['5xx from the error handler', { url: '/crash', remoteAddress: '10.0.0.2' }, 500],
    ['404', { url: '/missing', remoteAddress: '10.0.0.2' }, 404],
    ['413 from body parsing', { method: 'POST', url: '/echo', payload: { much: 'x'.repeat(100) }, remoteAddress: '10.0.0.3' }, 413],
    ['415 from body parsing', { method: 'POST', url: '/echo', payload: 'x', headers: { 'content-type': 'application/x-nope' }, remoteAddress: '10.0.0.3' }, 415],
    ['400 from JSON parsing', { method: 'POST', url: '/echo', payload: '{', headers: { 'content-type': 'application/json' }, remoteAddress: '10.0.0.3' }, 400],
    ['503 from an earlier onRequest hook (load shedding)', { url: '/ok', headers: { 'x-shed': '1' }, remoteAddress: '10.0.0.4' }, 503]
  ]
  for (const [what, request, status] of cases) {
    const res = await app.inject(request)
    t.equal(res.statusCode, status, what)
    assertApiHeaders(t, res.headers, what)
  }
  t.equal((await app.inject({ url: '/ok', headers: { 'x-shed': '1' }, remoteAddress: '10.0.0.4' })).headers['retry-after'], '10', 'the shedding reply keeps its own headers')
})

t.test('429 from the rate limiter carries the set', async (t) => {
  const app = await build(t, { rateLimit: { max: 3 } })
  for (let i = 0; i < 3; i++) await app.inject('/ok')
  const res = await app.inject('/ok')
  t.equal(res.statusCode, 429)
  assertApiHeaders(t, res.headers, '429')
})

t.test('a header the route sets wins over the set', async (t) => {
  const app = await build(t)
  app.get('/cached', async (_request, reply) => reply.header('Cache-Control', 'public, max-age=60').send('x'))
  const res = await app.inject('/cached')
  t.equal(res.headers['cache-control'], 'public, max-age=60')
  t.equal(res.headers['x-frame-options'], 'DENY')
})

t.test('config.security.headers picks the page policy, the API policy, or none', async (t) => {
  const app = await build(t)
  app.get('/page', { config: { production: { headers: 'page' } } }, async (_request, reply) => reply.type('text/html').send('<p>hi</p>'))
  app.get('/api', { config: { production: { headers: 'api' } } }, async () => 'x')
  app.get('/bare', { config: { production: { headers: false } } }, async () => 'x')
  app.get('/limited-only', { config: { production: { rateLimit: 'strict' } } }, async () => 'x')
  app.get('/default-policy', { config: { production: {} } }, async () => 'x')

  const page = await app.inject('/page')
  t.match(page.headers['content-security-policy'], /^default-src 'self';/, "helmet's default CSP")
  t.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
  t.equal(page.headers['cache-control'], undefined, 'pages choose their own caching')
  t.equal(page.headers['strict-transport-security'], API['strict-transport-security'])

  assertApiHeaders(t, (await app.inject('/api')).headers, "'api'")
  assertApiHeaders(t, (await app.inject('/limited-only')).headers, 'a route with only rateLimit')
  assertApiHeaders(t, (await app.inject('/default-policy')).headers, 'production: {}')

  const bare = await app.inject('/bare')
  t.equal(bare.statusCode, 200)
  for (const name of Object.keys(API)) t.equal(bare.headers[name], undefined, `headers: false sends no ${name}`)
})

t.test('the automatic HEAD route follows its GET route', async (t) => {
  const app = await build(t)
  app.get('/page', { config: { production: { headers: 'page' } } }, async () => 'x')
  const res = await app.inject({ method: 'HEAD', url: '/page' })
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
})

t.test('headers: false sends none anywhere, and routes may still ask for none', async (t) => {
  const app = await build(t, { headers: false })
  app.get('/page', { config: { production: { headers: 'page' } } }, async () => 'x')
  for (const url of ['/ok', '/missing', '/page']) {
    const res = await app.inject(url)
    t.equal(res.headers['x-frame-options'], undefined, url)
    t.equal(res.headers['content-security-policy'], undefined, url)
  }
})

t.test('headers: false with rate limiting and CORS off adds no hook at all', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { headers: false, rateLimit: false })
  app.get('/', async () => 'x')
  const res = await app.inject('/')
  t.same(Object.keys(res.headers).sort(), ['connection', 'content-length', 'content-type', 'date'])
})

t.test('helmet options adjust the policies; cacheControl replaces or drops no-store', async (t) => {
  const app = await build(t, {
    headers: {
      api: { xFrameOptions: { action: 'sameorigin' }, strictTransportSecurity: { maxAge: 600 } },
      page: { contentSecurityPolicy: false },
      cacheControl: 'private, no-cache'
    }
  })
  app.get('/page', { config: { production: { headers: 'page' } } }, async () => 'x')
  const api = await app.inject('/ok')
  t.equal(api.headers['x-frame-options'], 'SAMEORIGIN')
  t.equal(api.headers['strict-transport-security'], 'max-age=600; includeSubDomains')
  t.equal(api.headers['cache-control'], 'private, no-cache')
  t.equal(api.headers['content-security-policy'], API['content-security-policy'])
  t.equal((await app.inject('/page')).headers['content-security-policy'], undefined)

  const noCache = await build(t, { headers: { cacheControl: false } })
  t.equal((await noCache.inject('/ok')).headers['cache-control'], undefined)
})
