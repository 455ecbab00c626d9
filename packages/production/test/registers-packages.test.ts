import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import production, { NotFoundError } from '../src/index.js'

t.test('with no options it registers every package and boots', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(production)
  app.get('/orders/:id', async () => { throw new NotFoundError('Order not found') })
  t.teardown(() => app.close())
  await app.ready()
  const res = await app.inject({ url: '/orders/nope' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { code: 'NOT_FOUND', requestId: 'req-1' })
  t.equal((await app.inject({ url: '/unknown' })).json().code, 'NOT_FOUND', 'the 404 handler is the problem+json one')
  const report = logs.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('fastify-production:'))
  t.match(report, { level: 30, packages: ['errors', 'config', 'logging', 'metrics', 'dependencies', 'health', 'security', 'tasks', 'shutdown'] }, 'one info line at ready names what is on')
  t.equal(res.headers['x-content-type-options'], 'nosniff', 'security headers')
  t.equal(res.headers['ratelimit-limit'], '100', 'the global rate limit')
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200, 'probes')
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 200)
  t.match((await app.inject({ url: '/metrics' })).body, /http_request_duration_seconds_count\{method="GET",route="\/orders\/:id",status_code="404"\} 1/, 'metrics by route template')
  t.equal(app.shutdown?.state, 'running', 'shutdown is armed')
  t.equal((app as unknown as { config: { isProduction: boolean } }).config.isProduction, false)
})

t.test('every key set to false leaves every package out', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(production, { errors: false, config: false, logging: false, metrics: false, health: false, dependencies: false, security: false, tasks: false, shutdown: false })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/unknown' })
  t.equal(res.statusCode, 404)
  t.not(res.headers['content-type'], 'application/problem+json; charset=utf-8', 'Fastify\'s own 404 answers')
  t.equal(res.headers['x-content-type-options'], undefined)
  t.match(logs.lines.find((l) => l.msg === 'fastify-production: no packages on'), { packages: [] })
  t.match(logs.lines.find((l) => l.code === 'FP_WARN_RATE_LIMIT_OFF'), { level: 40 })
})

t.test('one key set to false leaves just that package out', async (t) => {
  const decorators: Record<string, string> = { config: 'config', logging: 'logging', metrics: 'metrics', health: 'health', dependencies: 'dependencies', shutdown: 'shutdown' }
  for (const [key, decorator] of Object.entries(decorators)) {
    const app = Fastify()
    await app.register(production, { [key]: false })
    await app.ready()
    t.notOk(app.hasDecorator(decorator), `${key}: false, no fastify.${decorator}`)
    for (const other of Object.values(decorators).filter((d) => d !== decorator)) t.ok(app.hasDecorator(other), `${key}: false keeps ${other}`)
    await app.close()
  }
  const noSecurity = Fastify()
  await noSecurity.register(production, { security: false })
  t.teardown(() => noSecurity.close())
  t.equal((await noSecurity.inject({ url: '/x' })).headers['x-content-type-options'], undefined, 'security: false sends no security headers')
})

t.test('package options pass through', async (t) => {
  const app = Fastify()
  await app.register(production, { errors: { typeBaseUrl: 'https://docs.example.com/e/' } })
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/x' })).json().type, 'https://docs.example.com/e/NOT_FOUND')
})

t.test('bad options fail registration with FP_ERR_PRODUCTION_OPTIONS', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ erors: {} }, /erors: is not a known option; accepted: errors, config, logging, metrics, dependencies, health, security, compression, tasks, shutdown, strict/],
    [{ errors: true }, /errors: must be that package's options object, or false/],
    [{ errors: null }, /errors: must be/],
    [{ errors: [] }, /errors: must be/],
    [[], /\(root\): must be an object/]
  ]
  for (const [options, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(production, options as object) }, { code: 'FP_ERR_PRODUCTION_OPTIONS', message })
    await app.close()
  }
})

t.test('a package\'s own bad option surfaces with that package\'s code', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(production, { errors: { typeBaseUrl: 'nope' } }) }, { code: 'FP_ERR_ERRORS_OPTIONS' })
})

t.test('probes and /metrics are exempt from the rate limit even though they are declared before security', async (t) => {
  const app = Fastify()
  await app.register(production, { security: { rateLimit: { max: 3, timeWindow: 60_000 } } })
  t.teardown(() => app.close())
  const statuses = new Set<number>()
  for (let i = 0; i < 10; i++) {
    for (const url of ['/health/live', '/health/ready', '/metrics']) statuses.add((await app.inject({ url })).statusCode)
  }
  t.same([...statuses], [200])
  const limited = []
  for (let i = 0; i < 4; i++) limited.push((await app.inject({ url: '/nope' })).statusCode)
  t.same(limited, [404, 404, 404, 429], 'ordinary routes, 404s included, are limited')
})

t.test('in production with no options it still boots: metrics left out with a warning, the rest on', async (t) => {
  const before = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  t.teardown(() => { process.env.NODE_ENV = before })
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(production)
  t.teardown(() => app.close())
  await app.ready()
  t.notOk(app.hasDecorator('metrics'))
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 404)
  t.ok(app.hasDecorator('health'))
  t.match(logs.lines.find((l) => l.code === 'FP_WARN_METRICS_OFF'), { level: 40, fix: /metrics\.token/ })
  t.match(logs.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('fastify-production:')), { packages: ['errors', 'config', 'logging', 'dependencies', 'health', 'security', 'tasks', 'shutdown'] })
})
