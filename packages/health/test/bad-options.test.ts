import t from 'tap'
import Fastify from 'fastify'
import health, { defaultLimits } from '../src/index.js'

const check = async (): Promise<void> => {}

const bad: Array<[string, unknown, RegExp]> = [
  ['a prefix without a leading slash', { prefix: 'health' }, /prefix/],
  ['a check that is not a function', { checks: { db: { check: 'select 1' } } }, /checks\.db\.check/],
  ['a check timeout of 0', { checks: { db: { check, timeout: 0 } } }, /checks\.db\.timeout/],
  ['a check name with spaces', { checks: { 'my db': { check } } }, /checks\.my db: a check name must match/],
  ['a check name that could be a prototype key', { checks: { __proto__x: { check } } }, /a check name must match/],
  ['an unknown check option', { checks: { db: { check, retries: 3 } } }, /checks\.db\.retries: is not a known option/],
  ['a negative cacheMs', { cacheMs: -1 }, /cacheMs/],
  ['a short detailToken', { detailToken: 'short' }, /detailToken/],
  ['a sampleInterval under 10 ms', { sampleInterval: 5 }, /sampleInterval/],
  ['an ELU limit above 1', { maxEventLoopUtilization: 1.5 }, /maxEventLoopUtilization/],
  ['a negative maxQueueDelay', { maxQueueDelay: -1 }, /maxQueueDelay/],
  ['a fractional maxQueueDelay', { maxQueueDelay: 2.5 }, /maxQueueDelay/],
  ['a fractional retryAfter', { retryAfter: 1.5 }, /retryAfter/],
  ['a negative port', { port: -1 }, /port/],
  ['a port above 65535', { port: 65536 }, /port/],
  ['a fractional port', { port: 80.5 }, /port/],
  ['a port as a string', { port: '9001' }, /port/],
  ['an empty host', { port: 0, host: '' }, /host/],
  ['a host that is not a string', { port: 0, host: 9001 }, /host/],
  ['a host without a port', { host: '0.0.0.0' }, /host: is the probe listener's address and needs `port`/],
  ['a loadShedding that is not a boolean', { loadShedding: 'yes' }, /loadShedding/],
  ['an unknown option', { typo: true }, /typo: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_HEALTH_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(health, options as object) }, { code: 'FP_ERR_HEALTH_OPTIONS', message: mentions })
  })
}

t.test('addCheck refuses a bad name, a non-function, bad options and a duplicate with FP_ERR_HEALTH_CHECK', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { checks: { db: { check } } })
  await app.ready()
  const add = app.health.addCheck as (...args: unknown[]) => void
  t.throws(() => { add('has space', check) }, { code: 'FP_ERR_HEALTH_CHECK', message: /"has space".*must match/ })
  t.throws(() => { add(undefined, check) }, { code: 'FP_ERR_HEALTH_CHECK', message: /undefined/ })
  t.throws(() => { add('cache', 'ping') }, { code: 'FP_ERR_HEALTH_CHECK', message: /cache: check must be a function/ })
  t.throws(() => { add('cache', check, { timeout: -5 }) }, { code: 'FP_ERR_HEALTH_CHECK', message: /cache: timeout must be >= 1/ })
  t.throws(() => { add('cache', check, { critical: 'no' }) }, { code: 'FP_ERR_HEALTH_CHECK', message: /critical/ })
  t.throws(() => { add('db', check) }, { code: 'FP_ERR_HEALTH_CHECK', message: /db: a check with this name exists already/ })
})

t.test('the caller\'s options object is not mutated', async (t) => {
  const options = Object.freeze({ prefix: '/probes', checks: Object.freeze({ db: Object.freeze({ check }) }) })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, options)
  await app.ready()
  t.same(options, { prefix: '/probes', checks: { db: { check } } })
  t.equal((await app.inject('/probes/live')).statusCode, 200)
})

t.test('shedding defaults follow the heap limit', async (t) => {
  t.same(defaultLimits(1000), { maxEventLoopDelay: 1000, maxHeapUsedBytes: 900, maxRssBytes: 1100, maxEventLoopUtilization: 0 })
  t.ok(defaultLimits().maxHeapUsedBytes > 0, 'read from v8.getHeapStatistics() by default')
})
