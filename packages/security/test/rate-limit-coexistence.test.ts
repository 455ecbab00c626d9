import t from 'tap'
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { logCapture } from '@fastify-production/test-support'
import security from '../src/index.js'

t.test('@fastify/rate-limit registered before: its limits and headers stay exactly as configured, ours are off', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(rateLimit, { max: 2, timeWindow: 60_000 })
  await app.register(security)
  app.get('/', async () => 'ok')
  app.get('/own', { config: { rateLimit: { max: 1, timeWindow: 60_000 } } }, async () => 'ok')
  await app.ready()

  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await app.inject('/')).statusCode)
  t.same(statuses, [200, 200, 429], 'its global limit of 2')
  const first = await app.inject('/own')
  t.equal(first.headers['x-ratelimit-limit'], '1', 'its own route config and header names')
  t.equal(first.headers['ratelimit-limit'], undefined, 'no second set of headers')
  t.equal((await app.inject('/own')).statusCode, 429)
  const lines = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/security'))
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 30, msg: /left rate limiting to @fastify\/rate-limit/ })
})

t.test('with @fastify/rate-limit registered, a string config.rateLimit is its business and it complains', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(rateLimit, { max: 2, timeWindow: 60_000 })
  await app.register(security)
  t.throws(() => { app.get('/x', { config: { rateLimit: 'strict' } as object }, async () => 'x') }, { message: 'Unknown value for route rate-limit configuration' })
})

t.test('@fastify/rate-limit registered before and the rateLimit option given: refused with the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(rateLimit)
  await t.rejects(async () => { await app.register(security, { rateLimit: { max: 10 } }) }, {
    code: 'FP_ERR_SECURITY_RATE_LIMIT_CONFLICT',
    message: /two counters, two sets of rate-limit headers\): @fastify\/rate-limit is registered and the rateLimit option is given\. Keep one: drop @fastify\/rate-limit.*or remove the rateLimit option/
  })
})

t.test('@fastify/rate-limit registered after: the boot is refused with the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  await app.register(rateLimit)
  await t.rejects(async () => { await app.ready() }, {
    code: 'FP_ERR_SECURITY_RATE_LIMIT_CONFLICT',
    message: /@fastify\/rate-limit was registered after the suite\. Keep one: register @fastify\/rate-limit before the suite.*rateLimit: false/
  })
})

t.test('@fastify/rate-limit registered after while ours is off: composes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { rateLimit: false })
  await app.register(rateLimit, { max: 1, timeWindow: 60_000 })
  app.get('/', async () => 'ok')
  // Both plugins' route config on one route: their key and ours, side by side, in types and at runtime.
  app.get('/page', { config: { rateLimit: { max: 5, timeWindow: 60_000 }, production: { headers: 'page' } } }, async () => 'ok')
  t.equal((await app.inject('/')).statusCode, 200)
  t.equal((await app.inject('/')).statusCode, 429)
  const page = await app.inject('/page')
  t.equal(page.headers['x-ratelimit-limit'], '5')
  t.match(page.headers['content-security-policy'], /default-src 'self'/)
})

t.test('all three registered before: one info line names each', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(import('@fastify/helmet'))
  await app.register(import('@fastify/cors'))
  await app.register(rateLimit)
  await app.register(security)
  await app.ready()
  const lines = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/security'))
  t.equal(lines.length, 1)
  t.match(lines[0], { msg: /left security headers to @fastify\/helmet, CORS to @fastify\/cors, rate limiting to @fastify\/rate-limit, registered before the suite.*remove them/ })
})
