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
