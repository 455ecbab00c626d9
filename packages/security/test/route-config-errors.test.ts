import t from 'tap'
import Fastify from 'fastify'
import security from '../src/index.js'

const bad: Array<[string, Record<string, unknown>, RegExp]> = [
  ['an unknown tier', { rateLimit: 'login' }, /GET \/x: config\.rateLimit names the tier "login"/],
  ['a limit without max', { rateLimit: { timeWindow: 1000 } }, /config\.rateLimit must be false, a tier name/],
  ['a limit with a fractional max', { rateLimit: { max: 1.5, timeWindow: 1000 } }, /config\.rateLimit must be/],
  ['a limit with an unreadable window', { rateLimit: { max: 1, timeWindow: 'a while' } }, /config\.rateLimit must be/],
  ['a limit with a window of another type', { rateLimit: { max: 1, timeWindow: true } }, /config\.rateLimit must be/],
  ['rateLimit null', { rateLimit: null }, /config\.rateLimit must be/],
  ['an unknown headers policy', { security: { headers: 'html' } }, /config\.security must be \{ headers\?: 'api' \| 'page' \| false \}/],
  ['security that is not an object', { security: 'page' }, /config\.security must be/],
  ['security null', { security: null }, /config\.security must be/]
]

for (const [name, config, mentions] of bad) {
  t.test(`${name} fails the route with FP_ERR_SECURITY_ROUTE_CONFIG`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(security)
    t.throws(() => { app.get('/x', { config: config as object }, async () => 'x') }, { code: 'FP_ERR_SECURITY_ROUTE_CONFIG', message: mentions })
  })
}

t.test('a route with several methods is named with all of them', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  t.throws(() => {
    app.route({ method: ['POST', 'PUT'], url: '/x', config: { rateLimit: 'nope' }, handler: async () => 'x' })
  }, { message: /POST,PUT \/x/ })
})

t.test('route rate-limit config is accepted and ignored when rate limiting is off', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { rateLimit: false })
  app.get('/x', { config: { rateLimit: 'anything' } }, async () => 'x')
  t.equal((await app.inject('/x')).statusCode, 200)
})

t.test('routes declared before the plugin still follow their route config', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  // As the umbrella does with health and metrics: their routes exist before security is registered.
  app.get('/probe', { config: { rateLimit: false, security: { headers: 'page' } } }, async () => 'ok')
  app.get('/tiered', { config: { rateLimit: { max: 2, timeWindow: 60_000 } } }, async () => 'ok')
  app.get('/plain', async () => 'ok')
  await app.register(security, { rateLimit: { max: 3, timeWindow: 60_000 } })
  const probe = []
  for (let i = 0; i < 5; i++) probe.push((await app.inject('/probe')).statusCode)
  t.same(probe, [200, 200, 200, 200, 200], 'rateLimit: false is honoured')
  const page = await app.inject('/probe')
  t.equal(page.headers['ratelimit-limit'], undefined)
  t.match(page.headers['content-security-policy'], /default-src 'self'/, 'the page policy, not the API one')
  const tiered = []
  for (let i = 0; i < 3; i++) tiered.push((await app.inject('/tiered')).statusCode)
  t.same(tiered, [200, 200, 429], 'an inline limit of its own')
  const plain = []
  for (let i = 0; i < 4; i++) plain.push((await app.inject('/plain')).statusCode)
  t.same(plain, [200, 200, 200, 429], 'the global limit')
})

t.test('a route declared before the plugin with a bad config fails on its first request', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.get('/bad', { config: { rateLimit: 'no-such-tier' } }, async () => 'ok')
  await app.register(security)
  const res = await app.inject('/bad')
  t.equal(res.statusCode, 500)
})
