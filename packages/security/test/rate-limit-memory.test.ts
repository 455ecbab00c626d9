import t from 'tap'
import { mock } from 'node:test'
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify'
import type { Test } from 'tap'
import { problems } from '@fastify-production/core'
import security, { type RateLimitOptions } from '../src/index.js'

async function build (t: Test, rateLimit: RateLimitOptions | false = {}): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { rateLimit })
  app.get('/', async () => 'ok')
  return app
}

async function statuses (app: FastifyInstance, n: number, request: InjectOptions | string = '/'): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) out.push((await app.inject(request)).statusCode)
  return out
}

t.test('the 429 goes through the app\'s problem writer: the typeBaseUrl set by errors applies', async (t) => {
  const app = await build(t, { max: 1 })
  problems(app).typeBaseUrl = 'https://docs.example.com/errors/'
  await statuses(app, 1)
  t.equal((await app.inject('/')).json().type, 'https://docs.example.com/errors/TOO_MANY_REQUESTS')
})

t.test('the default is 100 requests per minute per client', async (t) => {
  const app = await build(t)
  const seen = await statuses(app, 101)
  t.equal(seen.filter((s) => s === 200).length, 100)
  t.equal(seen[100], 429)
})

t.test('429 is problem+json with retry-after and the ratelimit headers', async (t) => {
  const app = await build(t, { max: 2, timeWindow: '30 seconds' })
  await statuses(app, 2)
  const res = await app.inject('/?q=secret')
  t.equal(res.statusCode, 429)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(res.json(), {
    type: 'about:blank',
    title: 'Too Many Requests',
    status: 429,
    detail: 'Rate limit exceeded; retry in 30 s.',
    instance: '/',
    code: 'TOO_MANY_REQUESTS',
    requestId: 'req-3'
  })
  t.equal(res.headers['retry-after'], '30')
  t.equal(res.headers['ratelimit-limit'], '2')
  t.equal(res.headers['ratelimit-remaining'], '0')
  t.equal(res.headers['ratelimit-reset'], '30')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
})

t.test('successful responses carry ratelimit headers unless addHeaders is false', async (t) => {
  const quiet = await build(t, { max: 5, addHeaders: false })
  t.equal((await quiet.inject('/')).headers['ratelimit-limit'], undefined)
  const loud = await build(t, { max: 5 })
  const res = await loud.inject('/')
  t.equal(res.headers['ratelimit-limit'], '5')
  t.equal(res.headers['ratelimit-remaining'], '4')
  t.equal(res.headers['ratelimit-reset'], '60')
})

t.test('404s count against the limit', async (t) => {
  const app = await build(t, { max: 3 })
  t.same(await statuses(app, 3, '/probe-for-admin'), [404, 404, 404])
  t.equal((await app.inject('/')).statusCode, 429)
  t.equal((await app.inject('/.env')).statusCode, 429)
})

t.test('the strict tier: 5 per minute, shared by the routes that name it, separate from the global limit', async (t) => {
  const app = await build(t, { max: 100 })
  app.post('/auth/login', { config: { production: { rateLimit: 'strict' } } }, async () => 'in')
  app.post('/auth/reset', { config: { production: { rateLimit: 'strict' } } }, async () => 'sent')
  t.same(await statuses(app, 3, { method: 'POST', url: '/auth/login' }), [200, 200, 200])
  t.same(await statuses(app, 3, { method: 'POST', url: '/auth/reset' }), [200, 200, 429])
  t.equal((await app.inject('/')).statusCode, 200, 'the global limit is untouched')
  const limited = await app.inject({ method: 'POST', url: '/auth/login' })
  t.equal(limited.headers['ratelimit-limit'], '5')
})

t.test('custom tiers, a strict override, and onStoreError defaults', async (t) => {
  const app = await build(t, { tiers: { search: { max: 2, timeWindow: 1000 }, strict: { max: 1, timeWindow: '1 minute' } } })
  app.get('/search', { config: { production: { rateLimit: 'search' } } }, async () => 'results')
  app.post('/login', { config: { production: { rateLimit: 'strict' } } }, async () => 'in')
  t.same(await statuses(app, 3, '/search'), [200, 200, 429])
  t.same(await statuses(app, 2, { method: 'POST', url: '/login' }), [200, 429])
})

t.test('a route may turn the limit off or set its own', async (t) => {
  const app = await build(t, { max: 1 })
  app.get('/health', { config: { production: { rateLimit: false } } }, async () => 'up')
  app.get('/export', { config: { production: { rateLimit: { max: 2, timeWindow: '1 hour' } } } }, async () => 'csv')
  app.get('/import', { config: { production: { rateLimit: { max: 2, timeWindow: 3_600_000 } } } }, async () => 'ok')
  t.same(await statuses(app, 5, '/health'), [200, 200, 200, 200, 200])
  t.same(await statuses(app, 3, '/export'), [200, 200, 429])
  t.same(await statuses(app, 3, '/import'), [200, 200, 429], 'each route with its own limit has its own counter')
  const limited = await app.inject('/export')
  t.equal(limited.headers['retry-after'], '3600')
  t.equal((await app.inject({ method: 'HEAD', url: '/export' })).statusCode, 429, 'the automatic HEAD route shares its GET\'s counter')
  t.same(await statuses(app, 2), [200, 429])
})

t.test('global: false limits only the routes that ask', async (t) => {
  const app = await build(t, { max: 1, global: false })
  app.post('/login', { config: { production: { rateLimit: 'strict' } } }, async () => 'in')
  app.get('/page', { config: { production: { headers: 'page' } } }, async () => 'html')
  t.same(await statuses(app, 3), [200, 200, 200])
  t.same(await statuses(app, 3, '/page'), [200, 200, 200])
  t.same(await statuses(app, 3, '/missing'), [404, 404, 404])
  t.same(await statuses(app, 6, { method: 'POST', url: '/login' }), [200, 200, 200, 200, 200, 429])
})

t.test('clients are counted apart; keyGenerator replaces the address', async (t) => {
  const app = await build(t, { max: 1 })
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.1' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.2' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.1' })).statusCode, 429)

  const keyed = await build(t, { max: 1, keyGenerator: (request) => String(request.headers['x-api-key']) })
  t.equal((await keyed.inject({ url: '/', headers: { 'x-api-key': 'a' } })).statusCode, 200)
  t.equal((await keyed.inject({ url: '/', headers: { 'x-api-key': 'b' } })).statusCode, 200)
  t.equal((await keyed.inject({ url: '/', headers: { 'x-api-key': 'a' }, remoteAddress: '10.9.9.9' })).statusCode, 429)
})

t.test('IPv6 clients in one /64 share a counter; IPv4-mapped addresses count as IPv4', async (t) => {
  const app = await build(t, { max: 2 })
  t.equal((await app.inject({ url: '/', remoteAddress: '2001:db8:1:2::1' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '2001:db8:1:2:ffff:ffff:ffff:fffe' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '2001:db8:1:2::abcd' })).statusCode, 429)
  t.equal((await app.inject({ url: '/', remoteAddress: '2001:db8:1:3::1' })).statusCode, 200, 'the next /64 is another client')
  t.equal((await app.inject({ url: '/', remoteAddress: '192.0.2.8' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '::ffff:192.0.2.8' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '::ffff:192.0.2.8' })).statusCode, 429)
})

t.test('the window resets: counts start again once it ends', async (t) => {
  mock.timers.enable({ apis: ['Date', 'setInterval'], now: 1_000_000 })
  t.teardown(() => { mock.timers.reset() })
  const app = await build(t, { max: 2, timeWindow: '10 seconds' })
  t.same(await statuses(app, 3), [200, 200, 429])
  mock.timers.tick(4_000)
  const limited = await app.inject('/')
  t.equal(limited.headers['retry-after'], '6', 'retry-after counts down with the window')
  mock.timers.tick(6_000)
  t.same(await statuses(app, 3), [200, 200, 429])
})

t.test('an idle window is dropped by the timer; past maxKeys new clients share one counter', async (t) => {
  mock.timers.enable({ apis: ['Date', 'setInterval'], now: 5_000_000 })
  t.teardown(() => { mock.timers.reset() })
  const app = await build(t, { max: 2, timeWindow: 1000, maxKeys: 2 })
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.1' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.2' })).statusCode, 200)
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.3' })).statusCode, 200, 'first overflow client')
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.4' })).statusCode, 200, 'second overflow client, same counter')
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.5' })).statusCode, 429, 'the overflow counter is spent')
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.1' })).statusCode, 200, 'known clients keep their own counter')
  mock.timers.tick(1000)
  t.equal((await app.inject({ url: '/', remoteAddress: '10.0.0.5' })).statusCode, 200, 'a new window')
})

t.test('rateLimit: false turns limiting off', async (t) => {
  const app = await build(t, false)
  t.same(await statuses(app, 3), [200, 200, 200])
})

t.test('building and closing an app 20 times leaves no timer behind; the timers never hold the process', async (t) => {
  const live = new Set<NodeJS.Timeout>()
  const realSet = globalThis.setInterval
  const realClear = globalThis.clearInterval
  globalThis.setInterval = ((fn: () => void, ms: number) => {
    const timer = realSet(fn, ms)
    live.add(timer)
    return timer
  }) as typeof setInterval
  globalThis.clearInterval = ((timer: NodeJS.Timeout) => {
    live.delete(timer)
    realClear(timer)
  }) as typeof clearInterval
  t.teardown(() => {
    globalThis.setInterval = realSet
    globalThis.clearInterval = realClear
  })
  for (let i = 0; i < 20; i++) {
    const app = Fastify()
    await app.register(security, { rateLimit: { tiers: { a: { max: 1, timeWindow: 1000 } } } })
    app.get('/', { config: { production: { rateLimit: { max: 1, timeWindow: 1000 } } } }, async () => 'ok')
    await app.ready()
    t.equal(live.size, 4, 'one timer per limiter: global, strict, a, the route')
    t.notOk([...live].some((timer) => timer.hasRef()), 'unref\'d')
    await app.close()
    t.equal(live.size, 0, 'all cleared on close')
  }
})
