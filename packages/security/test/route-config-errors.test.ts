import t from 'tap'
import Fastify from 'fastify'
import security from '../src/index.js'

const bad: Array<[string, Record<string, unknown>, RegExp]> = [
  ['an unknown tier', { rateLimit: 'login' }, /GET \/x: config\.production\.rateLimit names the tier "login"/],
  ['a limit without max', { rateLimit: { timeWindow: 1000 } }, /config\.production\.rateLimit must be false, a tier name/],
  ['a limit with a fractional max', { rateLimit: { max: 1.5, timeWindow: 1000 } }, /config\.production\.rateLimit must be/],
  ['a limit with an unreadable window', { rateLimit: { max: 1, timeWindow: 'a while' } }, /config\.production\.rateLimit must be/],
  ['a limit with a window of another type', { rateLimit: { max: 1, timeWindow: true } }, /config\.production\.rateLimit must be/],
  ['rateLimit null', { rateLimit: null }, /config\.production\.rateLimit must be/],
  ['an unknown headers policy', { headers: 'html' }, /config\.production\.headers must be 'api', 'page' or false/],
  ['headers null', { headers: null }, /config\.production\.headers must be/],
  ['a limit with an unknown key', { rateLimit: { max: 1, timeWindow: 1000, delay: 5 } }, /"delay" is not one of its keys/],
  ['a slow-down without delayAfter', { rateLimit: { max: 5, timeWindow: 1000, delayMs: 10 } }, /config\.production\.rateLimit\.delayMs needs delayAfter/],
  ['maxDelayMs without delayAfter', { rateLimit: { max: 5, timeWindow: 1000, maxDelayMs: 10 } }, /config\.production\.rateLimit\.maxDelayMs needs delayAfter/],
  ['a fractional delayAfter', { rateLimit: { max: 5, timeWindow: 1000, delayAfter: 1.5 } }, /rateLimit\.delayAfter must be an integer >= 0/],
  ['delayAfter at max', { rateLimit: { max: 5, timeWindow: 1000, delayAfter: 5 } }, /rateLimit\.delayAfter must be below max \(5\)/],
  ['a delayMs of zero', { rateLimit: { max: 5, timeWindow: 1000, delayAfter: 1, delayMs: 0 } }, /rateLimit\.delayMs must be an integer from 1/],
  ['a maxDelayMs as a string', { rateLimit: { max: 5, timeWindow: 1000, delayAfter: 1, maxDelayMs: '1s' } }, /rateLimit\.maxDelayMs must be an integer from 1/],
  ['inputGuard true', { inputGuard: true }, /config\.production\.inputGuard must be false or \{ body\?/],
  ['inputGuard null', { inputGuard: null }, /config\.production\.inputGuard must be/],
  ['inputGuard as an array', { inputGuard: [] }, /config\.production\.inputGuard must be/],
  ['an unknown inputGuard key', { inputGuard: { params: true } }, /config\.production\.inputGuard must be/],
  ['inputGuard.body not a boolean', { inputGuard: { body: 'yes' } }, /config\.production\.inputGuard must be/],
  ['inputGuard.query not a boolean', { inputGuard: { query: 1 } }, /config\.production\.inputGuard must be/],
  ['inputGuard.repeatedQuery not allow or refuse', { inputGuard: { repeatedQuery: 'deny' } }, /config\.production\.inputGuard must be/]
]

for (const [name, production, mentions] of bad) {
  t.test(`${name} fails the route with FP_ERR_SECURITY_ROUTE_CONFIG`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(security)
    t.throws(() => { app.get('/x', { config: { production } as object }, async () => 'x') }, { code: 'FP_ERR_SECURITY_ROUTE_CONFIG', message: mentions })
  })
}

t.test('a route with several methods is named with all of them', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  t.throws(() => {
    app.route({ method: ['POST', 'PUT'], url: '/x', config: { production: { rateLimit: 'nope' } }, handler: async () => 'x' })
  }, { message: /POST,PUT \/x/ })
})

t.test('route rate-limit config is accepted and ignored when rate limiting is off', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { rateLimit: false })
  app.get('/x', { config: { production: { rateLimit: 'anything' } } }, async () => 'x')
  t.equal((await app.inject('/x')).statusCode, 200)
})

t.test('a tier name in config.rateLimit (the former spelling) fails the route with the new one', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  t.throws(() => { app.post('/login', { config: { rateLimit: 'strict' } as object }, async () => 'in') }, {
    code: 'FP_ERR_SECURITY_ROUTE_CONFIG',
    message: /POST \/login: config\.rateLimit is @fastify\/rate-limit's key.*config: \{ production: \{ rateLimit: "strict" \} \}/
  })
})

t.test('object and false config.rateLimit belong to @fastify/rate-limit: ignored', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { rateLimit: { max: 2 } })
  app.get('/theirs', { config: { rateLimit: { max: 1, timeWindow: 1000 } } as object }, async () => 'ok')
  app.get('/off', { config: { rateLimit: false } as object }, async () => 'ok')
  const seen = []
  for (const url of ['/theirs', '/off', '/theirs']) seen.push((await app.inject(url)).statusCode)
  t.same(seen, [200, 200, 429], 'both routes are on our global limit of 2: neither key is read by us')
})

t.test('routes declared before the plugin still follow their route config', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  // As the umbrella does with health and metrics: their routes exist before security is registered.
  app.get('/probe', { config: { production: { rateLimit: false, headers: 'page' } } }, async () => 'ok')
  app.get('/tiered', { config: { production: { rateLimit: { max: 2, timeWindow: 60_000 } } } }, async () => 'ok')
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
  app.get('/bad', { config: { production: { rateLimit: 'no-such-tier' } } }, async () => 'ok')
  app.get('/old', { config: { rateLimit: 'strict' } as object }, async () => 'ok')
  await app.register(security)
  t.equal((await app.inject('/bad')).statusCode, 500)
  t.equal((await app.inject('/old')).statusCode, 500)
})
