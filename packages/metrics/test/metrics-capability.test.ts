import t from 'tap'
import Fastify from 'fastify'
import { find, MetricsCap } from '@fastify-production/core'
import metrics from '../src/index.js'
import { parseExposition } from './exposition.js'

t.test('the other packages count through MetricsCap: the same counter when asked twice, on this app\'s registry', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  t.equal(find(app, MetricsCap), undefined, 'absent before registration')
  await app.register(metrics, { prefix: 'orders_' })
  const cap = find(app, MetricsCap)
  if (cap === undefined) return t.fail('no capability')
  const config = { name: 'http_requests_rate_limited_total', help: 'Requests answered 429', labelNames: ['tier'] }
  const first = cap.counter(config)
  const second = cap.counter(config)
  t.equal(first, second, 'security and health both ask at onReady: one counter')
  first.inc({ tier: 'strict' })
  second.inc({ tier: 'strict' }, 2)
  const plain = cap.counter({ name: 'shed_total', help: 'Requests shed', labelNames: [] })
  plain.inc()
  const exposition = parseExposition((await app.inject('/metrics')).body)
  t.equal(exposition.sum('orders_http_requests_rate_limited_total', { tier: 'strict' }), 3, 'the prefix applies')
  t.equal(exposition.sum('orders_shed_total'), 1)
  const json = await cap.metricsAsJson() as Array<{ name: string }>
  t.ok(json.some((m) => m.name === 'orders_shed_total'), 'the registry as JSON, for cluster')
  app.metrics.counter({ name: 'shed_total', help: 'Requests shed' }).inc()
  t.equal(parseExposition(await app.metrics.registry.metrics()).sum('orders_shed_total'), 2, 'the public decorator gives the same metric')
})

t.test('a name taken by another kind of metric is refused, through the capability too', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  app.metrics.gauge({ name: 'jobs', help: 'jobs' })
  t.throws(() => find(app, MetricsCap)?.counter({ name: 'jobs', help: 'jobs', labelNames: [] }), { code: 'FP_ERR_METRICS_NAME_TAKEN' })
})

t.test('histograms and gauges through MetricsCap: one metric when asked twice; a gauge\'s collect runs at each scrape', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { prefix: 'orders_' })
  const cap = find(app, MetricsCap)
  if (cap === undefined) return t.fail('no capability')
  const durations = { name: 'outbound_call_duration_seconds', help: 'Outbound calls', labelNames: ['dependency'], buckets: [0.1, 1] }
  cap.histogram(durations).observe({ dependency: 'db' }, 0.05)
  cap.histogram(durations).observe({ dependency: 'db' }, 0.5)
  const state = cap.gauge({ name: 'breaker_state', help: 'Breaker state', labelNames: ['dependency'] })
  state.set({ dependency: 'db' }, 2)
  let depth = 0
  cap.gauge({ name: 'queue_depth', help: 'Queued tasks', labelNames: ['pool'], collect: (set) => { set({ pool: 'main' }, depth) } })
  depth = 7
  const first = parseExposition((await app.inject('/metrics')).body)
  t.equal(first.sum('orders_outbound_call_duration_seconds_count', { dependency: 'db' }), 2, 'both observations in one histogram')
  t.equal(first.sum('orders_outbound_call_duration_seconds_bucket', { dependency: 'db', le: '0.1' }), 1, 'the buckets given are used')
  t.equal(first.sum('orders_breaker_state', { dependency: 'db' }), 2)
  t.equal(first.sum('orders_queue_depth', { pool: 'main' }), 7, 'read when scraped, not when declared')
  depth = 3
  t.equal(parseExposition((await app.inject('/metrics')).body).sum('orders_queue_depth', { pool: 'main' }), 3)
})
