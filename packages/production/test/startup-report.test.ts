import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import production, { serverOptions } from '../src/index.js'

t.test('at ready: one info line, then one warn line per risky setting with its code and fix', async (t) => {
  const logs = logCapture()
  const app = Fastify({ ...serverOptions(), trustProxy: true, keepAliveTimeout: 5000, logger: { level: 'info', stream: logs.stream } })
  await app.register(production)
  t.teardown(() => app.close())
  await app.ready()
  const warns = logs.lines.filter((l) => l.level === 40)
  const byCode = new Map(warns.map((l) => [l.code, l]))
  t.match(byCode.get('FP_WARN_TRUST_PROXY'), { fix: /proxies/ })
  t.match(byCode.get('FP_WARN_KEEP_ALIVE'), { msg: /5000 ms/ })
  if (process.env.NODE_ENV !== 'production') t.ok(byCode.has('FP_WARN_NODE_ENV'))
  t.equal(logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('fastify-production:')).length, 1)
})

t.test('strict: a risky setting fails the boot with FP_ERR_PRODUCTION_STRICT naming the codes', async (t) => {
  const app = Fastify({ ...serverOptions(), trustProxy: true, logger: false })
  await app.register(production, { strict: true })
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_PRODUCTION_STRICT', message: /FP_WARN_TRUST_PROXY/ })
})

t.test('strict with nothing risky boots', async (t) => {
  const before = { ...process.env }
  t.teardown(() => { process.env = before })
  process.env.NODE_ENV = 'production'
  const logs = logCapture()
  const app = Fastify({ ...serverOptions(), logger: { level: 'info', stream: logs.stream } })
  await app.register(production, { strict: true, metrics: { token: 'a-long-random-metrics-token' } })
  t.teardown(() => app.close())
  const runtimeOnly = new Set(['FP_WARN_NODE_EOL', 'FP_WARN_ROOT_USER', 'FP_WARN_HEAP_UNSET', 'FP_WARN_HEAP_ABOVE_LIMIT', 'FP_WARN_SOURCE_MAPS'])
  // This machine may itself be risky (old Node, root): then strict must fail for exactly those codes.
  const result = await app.ready().then(() => undefined, (err: Error) => err)
  const warned = logs.lines.filter((l) => l.level === 40).map((l) => l.code as string)
  t.ok(warned.every((c) => runtimeOnly.has(c)), `only machine facts remain: ${warned.join(', ')}`)
  t.equal(result === undefined, warned.length === 0, 'boots exactly when nothing was found')
})

t.test('strict must be a boolean', async (t) => {
  const app = Fastify()
  await t.rejects(async () => { await app.register(production, { strict: 'yes' as unknown as boolean }) }, { code: 'FP_ERR_PRODUCTION_OPTIONS', message: /strict: must be a boolean/ })
  await app.close()
})

t.test('each risky package setting, in a real app, is reported at boot with its code', async (t) => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['FP_WARN_CORS_WILDCARD', { security: { cors: { origins: ['*'] } } }],
    ['FP_WARN_METRICS_PUBLIC', { metrics: {} }],
    ['FP_WARN_RATE_LIMIT_OFF', { security: { rateLimit: false } }],
    ['FP_WARN_SHUTDOWN_GRACE', { shutdown: { delay: 5000, timeout: 40_000 } }]
  ]
  for (const [code, options] of cases) {
    const logs = logCapture()
    const app = Fastify({ ...serverOptions(), logger: { level: 'warn', stream: logs.stream } })
    await app.register(production, { metrics: { token: 'a-long-random-metrics-token' }, ...options })
    await app.ready()
    t.match(logs.lines.find((l) => l.code === code), { level: 40, fix: /\S/ }, code)
    t.equal(logs.lines.filter((l) => typeof l.code === 'string' && l.code.startsWith('FP_WARN_') && !/NODE_ENV|NODE_EOL|ROOT_USER|HEAP|SOURCE_MAPS/.test(l.code)).length, 1, `${code} is the only app finding`)
    await app.close()
  }
})
