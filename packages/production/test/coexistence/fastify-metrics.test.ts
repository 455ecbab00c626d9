import t from 'tap'
import Fastify from 'fastify'
import fastifyMetricsModule from 'fastify-metrics'
import { logCapture } from '@fastify-production/test-support'
import production from '../../src/index.js'

// fastify-metrics is CommonJS with a `default` property: what an ESM app gets is the module.
const fastifyMetrics = fastifyMetricsModule.default

t.test('fastify-metrics registered first: the umbrella with no options leaves metrics to it and everything else boots', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(fastifyMetrics, { endpoint: '/metrics', clearRegisterOnInit: true })
  await app.register(production)
  app.get('/x', async () => 'x')
  await app.ready()
  t.teardown(() => app.close())
  t.equal((await app.inject('/x')).statusCode, 200, 'security and health did not take fastify-metrics for ours')
  const scrape = await app.inject('/metrics')
  t.equal(scrape.statusCode, 200)
  t.match(scrape.body, /http_request_duration_seconds/, 'fastify-metrics serves /metrics')
  const report = logs.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('fastify-production:'))
  t.notOk((report?.packages as string[]).includes('metrics'), 'the umbrella left its metrics out')
  t.ok(logs.lines.some((l) => l.code === 'FP_WARN_METRICS_TAKEN' && l.level === 40), 'and said so, with the fix')
})

t.test('fastify-metrics with `metrics: false`: the other packages boot beside it', async (t) => {
  const app = Fastify()
  await app.register(fastifyMetrics, { endpoint: '/metrics', clearRegisterOnInit: true })
  await app.register(production, { metrics: false })
  t.teardown(() => app.close())
  await app.ready()
  t.equal((await app.inject('/health/live')).statusCode, 200)
})

t.test('fastify-metrics plus metrics options given: one coded refusal', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyMetrics, { endpoint: '/metrics', clearRegisterOnInit: true })
  app.register(production, { metrics: { token: 'a-long-enough-metrics-token' } })
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_METRICS_DECORATOR_TAKEN', message: /fastify-metrics/ })
})
