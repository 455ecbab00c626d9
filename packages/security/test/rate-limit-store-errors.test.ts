import t from 'tap'
import type { RedisClient } from '../src/index.js'
import { rateLimitedApp } from './helpers/rate-limited-app.js'
import { loadIoredis } from '../src/redis-connection.js'

// Stand-ins for an ioredis client, for the failures a real server cannot be asked to produce.
function failingClient (message: string): RedisClient & { calls: number } {
  const client = {
    calls: 0,
    async evalsha () { client.calls++; throw new Error(message) },
    async eval () { throw new Error('eval must not be reached') }
  }
  return client
}

t.test('a failing store: global lets traffic through, strict answers 503, no store text reaches the client', async (t) => {
  const client = failingClient('READONLY You can\'t write against a read only replica. host=10.1.2.3 password=hunter2')
  const { app, lines } = await rateLimitedApp(t, { redis: client })
  const open = await app.inject('/')
  t.equal(open.statusCode, 200)
  const closed = await app.inject({ method: 'POST', url: '/login' })
  t.equal(closed.statusCode, 503)
  t.equal(closed.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(closed.headers['retry-after'], '1')
  t.same(closed.json(), {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'The rate limit cannot be checked right now; retry shortly.',
    instance: '/login',
    code: 'SERVICE_UNAVAILABLE',
    requestId: 'req-2'
  })
  t.notMatch(closed.payload, /READONLY|10\.1\.2\.3|hunter2/)
  t.equal(closed.headers['x-frame-options'], 'DENY')
  const warnings = lines.filter((line) => line.level === 40)
  t.equal(warnings.length, 1, 'one warning; the next ones within 10 s are folded into a count')
  t.match(warnings[0], { msg: /letting requests through \(onStoreError: open\)/, tier: 'global', suppressed: 0, err: { message: /READONLY/ } })
  t.equal(client.calls, 2)
})

t.test('onStoreError can be set globally and per tier', async (t) => {
  const { app } = await rateLimitedApp(t, {
    redis: failingClient('boom'),
    onStoreError: 'closed',
    tiers: { strict: { max: 5, timeWindow: 60_000, onStoreError: 'open' }, bulk: { max: 5, timeWindow: 1000 } }
  })
  app.get('/bulk', { config: { production: { rateLimit: 'bulk' } } }, async () => 'ok')
  app.get('/own', { config: { production: { rateLimit: { max: 5, timeWindow: 1000 } } } }, async () => 'ok')
  t.equal((await app.inject('/')).statusCode, 503)
  t.equal((await app.inject({ method: 'POST', url: '/login' })).statusCode, 200)
  t.equal((await app.inject('/bulk')).statusCode, 503, 'a tier without its own policy takes the global one')
  t.equal((await app.inject('/own')).statusCode, 503, 'so does a route with its own limit')
})

t.test('the warning repeats after 10 s with the number folded into it', async (t) => {
  const { mock } = await import('node:test')
  mock.timers.enable({ apis: ['Date'], now: 1_000_000 })
  t.teardown(() => { mock.timers.reset() })
  const { app, lines } = await rateLimitedApp(t, { redis: failingClient('boom') })
  for (let i = 0; i < 4; i++) await app.inject('/')
  mock.timers.tick(10_000)
  await app.inject('/')
  const warnings = lines.filter((line) => line.level === 40)
  t.equal(warnings.length, 2)
  t.equal(warnings[1]?.suppressed, 3)
})

t.test('an unexpected script reply counts as a store failure', async (t) => {
  const client: RedisClient = { evalsha: async () => 'OK', eval: async () => 'OK' }
  const { app, lines } = await rateLimitedApp(t, { redis: client })
  t.equal((await app.inject({ method: 'POST', url: '/login' })).statusCode, 503)
  t.match(lines.find((line) => line.level === 40), { err: { message: /unexpected reply/ } })
})

t.test('NOSCRIPT falls back to EVAL, which loads the script', async (t) => {
  const seen: string[] = []
  const client: RedisClient = {
    async evalsha () { seen.push('evalsha'); throw new Error('NOSCRIPT No matching script. Please use EVAL.') },
    async eval (script, keys, key, windowMs) {
      seen.push('eval')
      t.match(script, /INCR/)
      t.equal(keys, 1)
      t.equal(key, 'fp-rl:global:127.0.0.1')
      t.equal(windowMs, 60_000)
      return [1, 60_000]
    }
  }
  const { app } = await rateLimitedApp(t, { redis: client })
  t.equal((await app.inject('/')).statusCode, 200)
  t.same(seen, ['evalsha', 'eval'])
})

t.test('a rejection with no Error is a store failure too', async (t) => {
  const client: RedisClient = {
    evalsha: async () => await Promise.reject(undefined), // eslint-disable-line prefer-promise-reject-errors
    eval: async () => [1, 1]
  }
  const { app } = await rateLimitedApp(t, { redis: client })
  t.equal((await app.inject({ method: 'POST', url: '/login' })).statusCode, 503)
})

t.test('a redis URL without the ioredis package fails with FP_ERR_SECURITY_REDIS', async (t) => {
  await t.rejects(loadIoredis(async () => { throw new Error("Cannot find package 'ioredis'") }), { code: 'FP_ERR_SECURITY_REDIS', message: /npm install ioredis/ })
  t.equal(typeof await loadIoredis(), 'function', 'the installed package loads')
})
