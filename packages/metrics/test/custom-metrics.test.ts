import t from 'tap'
import Fastify from 'fastify'
import { Counter, Gauge, Histogram } from 'prom-client'
import metrics from '../src/index.js'
import { parseExposition } from './exposition.js'

t.test('counter, gauge and histogram helpers register on the app registry and are idempotent by name', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { prefix: 'shop_', defaultMetrics: false })
  const created = app.metrics.counter({ name: 'orders_created_total', help: 'Orders created', labelNames: ['channel'] })
  t.ok(created instanceof Counter)
  t.equal(app.metrics.counter({ name: 'orders_created_total', help: 'again' }), created, 'same name: the existing counter')
  created.inc({ channel: 'web' }, 2)
  const gauge = app.metrics.gauge({ name: 'cart_items', help: 'Items in carts' })
  t.ok(gauge instanceof Gauge)
  t.equal(app.metrics.gauge({ name: 'cart_items', help: 'x' }), gauge)
  gauge.set(7)
  const histogram = app.metrics.histogram({ name: 'payment_seconds', help: 'Payment latency', buckets: [0.1, 1] })
  t.ok(histogram instanceof Histogram)
  t.equal(app.metrics.histogram({ name: 'payment_seconds', help: 'x' }), histogram)
  histogram.observe(0.5)

  const exposition = parseExposition((await app.inject('/metrics')).body)
  t.equal(exposition.sum('shop_orders_created_total', { channel: 'web' }), 2)
  t.equal(exposition.sum('shop_cart_items'), 7)
  t.equal(exposition.sum('shop_payment_seconds_bucket', { le: '1' }), 1)
  t.equal(exposition.sum('shop_payment_seconds_bucket', { le: '0.1' }), 0)
})

t.test('a name taken by another kind of metric is a coded error', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  app.metrics.counter({ name: 'things_total', help: 'x' })
  t.throws(() => app.metrics.gauge({ name: 'things_total', help: 'x' }), { code: 'FP_ERR_METRICS_NAME_TAKEN', message: /things_total.*gauge/ })
  t.throws(() => app.metrics.histogram({ name: 'http_request_duration_seconds', help: 'x' }), { code: 'FP_ERR_METRICS_NAME_TAKEN' })
})

t.test('other plugins find the decorator and count through it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  await app.register(async function rateLimiter (instance) {
    t.ok(instance.hasDecorator('metrics'))
    const limited = instance.metrics.counter({ name: 'http_requests_rate_limited_total', help: 'Requests refused with 429', labelNames: ['route'] })
    instance.addHook('onRequest', async (request) => { limited.inc({ route: request.routeOptions.url ?? '__unmatched__' }) })
    instance.get('/limited', async () => 'x')
  })
  await app.inject('/limited')
  const exposition = parseExposition((await app.inject('/metrics')).body)
  t.equal(exposition.sum('http_requests_rate_limited_total', { route: '/limited' }), 1)
})
