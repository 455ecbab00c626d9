import t from 'tap'
import Fastify from 'fastify'
import security from '../src/index.js'

const bad: Array<[string, unknown, RegExp]> = [
  ['options that are not an object', 'yes', /\(root\)/],
  ['an unknown option', { typo: true }, /typo: is not a known option/],
  ['headers that are not false or an object', { headers: true }, /headers: must be false or an object/],
  ['rateLimit as an array', { rateLimit: [] }, /rateLimit: must be false or an object/],
  ['an unknown headers key', { headers: { cps: {} } }, /headers\.cps: is not a known option/],
  ['cacheControl that is empty', { headers: { cacheControl: '' } }, /headers\.cacheControl/],
  ['cacheControl with a line break', { headers: { cacheControl: 'no-store\r\nx: y' } }, /headers\.cacheControl/],
  ['helmet options helmet refuses', { headers: { api: { referrerPolicy: { policy: 'nope' } } } }, /headers\.api: helmet refused it/],
  ['a helmet alias clashing with the API policy', { headers: { api: { hsts: false } } }, /headers\.api: helmet refused it/],
  ['page options helmet refuses', { headers: { page: { xFrameOptions: { action: 'allow-all' } } } }, /headers\.page: helmet refused it/],
  ['CSP directives computed per request', { headers: { page: { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => "'nonce-x'"] } } } } }, /headers\.page: CSP directives computed per request/],
  ['a CSP directive that is a function', { headers: { api: { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: () => "'none'" } } } } }, /headers\.api: CSP directives computed per request/],
  ['cors without origins', { cors: {} }, /cors/],
  ['cors.methods with a bad token', { cors: { origins: [], methods: ['GET POST'] } }, /cors\.methods\.0/],
  ['cors.allowedHeaders with a bad token', { cors: { origins: [], allowedHeaders: ['x y'] } }, /cors\.allowedHeaders\.0/],
  ['cors.maxAge below zero', { cors: { origins: [], maxAge: -1 } }, /cors\.maxAge/],
  ['rateLimit.max of zero', { rateLimit: { max: 0 } }, /rateLimit\.max/],
  ['rateLimit.timeWindow in an unknown unit', { rateLimit: { timeWindow: '3 fortnights' } }, /rateLimit\.timeWindow: "3 fortnights" is not a time window/],
  ['rateLimit.timeWindow that is not a duration', { rateLimit: { timeWindow: 'soon' } }, /rateLimit\.timeWindow/],
  ['rateLimit.onStoreError that is not open or closed', { rateLimit: { onStoreError: 'ajar' } }, /rateLimit\.onStoreError/],
  ['a tier without max', { rateLimit: { tiers: { login: { timeWindow: 1000 } } } }, /rateLimit\.tiers\.login/],
  ['a tier with a bad window', { rateLimit: { tiers: { login: { max: 1, timeWindow: 'later' } } } }, /rateLimit\.tiers\.login\.timeWindow/],
  ['a tier named global', { rateLimit: { tiers: { global: { max: 1, timeWindow: 1000 } } } }, /rateLimit\.tiers\.global: is reserved/],
  ['a keyGenerator that is not a function', { rateLimit: { keyGenerator: 'ip' } }, /rateLimit\.keyGenerator: must be a function/],
  ['redis that is neither a client nor a URL', { rateLimit: { redis: { get () {} } } }, /rateLimit\.redis: must be an ioredis client/],
  ['redis as a URL of another scheme', { rateLimit: { redis: 'http://127.0.0.1:6379' } }, /rateLimit\.redis: must be an ioredis client/],
  ['storeTimeout of zero', { rateLimit: { storeTimeout: 0 } }, /rateLimit\.storeTimeout/],
  ['delayMs without delayAfter', { rateLimit: { delayMs: 100 } }, /rateLimit\.delayMs: needs delayAfter/],
  ['maxDelayMs without delayAfter', { rateLimit: { tiers: { search: { max: 5, timeWindow: 1000, maxDelayMs: 100 } } } }, /rateLimit\.tiers\.search\.maxDelayMs: needs delayAfter/],
  ['delayAfter not below max', { rateLimit: { max: 10, delayAfter: 10 } }, /rateLimit\.delayAfter: must be below max \(10\)/],
  ['a negative delayAfter', { rateLimit: { delayAfter: -1 } }, /rateLimit\.delayAfter/],
  ['a delayMs past the timer limit', { rateLimit: { delayAfter: 1, delayMs: 2 ** 31 } }, /rateLimit\.delayMs/],
  ['inputGuard that is not false or an object', { inputGuard: true }, /inputGuard: must be false or an object/],
  ['an unknown inputGuard key', { inputGuard: { params: true } }, /inputGuard\.params: is not a known option/],
  ['repeatedQuery that is not allow or refuse', { inputGuard: { repeatedQuery: 'deny' } }, /inputGuard\.repeatedQuery/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_SECURITY_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(security, options as object) }, { code: 'FP_ERR_SECURITY_OPTIONS', message: mentions })
  })
}

t.test('the message says what the option accepts', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(security, { rateLimit: { max: 'lots' } } as object) }, { message: /accepted: false or \{ max\?, timeWindow\?/ })
})

t.test('the caller\'s options object is not mutated', async (t) => {
  const options = {
    headers: Object.freeze({ api: Object.freeze({ xFrameOptions: Object.freeze({ action: 'sameorigin' as const }) }) }),
    cors: Object.freeze({ origins: Object.freeze(['https://app.example.com']) as string[] }),
    rateLimit: Object.freeze({ max: 3, tiers: Object.freeze({ login: Object.freeze({ max: 1, timeWindow: '1 minute' }) }) })
  }
  const before = JSON.stringify(options)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, Object.freeze(options))
  app.get('/', { config: { production: { rateLimit: 'login' } } }, async () => 'ok')
  await app.ready()
  t.equal(JSON.stringify(options), before)
  t.equal((await app.inject('/')).headers['x-frame-options'], 'SAMEORIGIN')
})

t.test('no options at all boots with the defaults', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  app.get('/', async () => 'ok')
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['x-frame-options'], 'DENY')
  t.equal(res.headers.vary, undefined, 'CORS is off until origins are given')
})
