import t from 'tap'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import metrics from '../src/index.js'
import { parseExposition } from './exposition.js'

const COUNT = 'http_request_duration_seconds_count'

async function build (options = {}) {
  const app = Fastify()
  await app.register(metrics, options)
  app.get('/orders/:id', async () => 'ok')
  return app
}

t.test('two apps in one process keep separate registries and counts', async (t) => {
  const a = await build()
  const b = await build()
  t.teardown(() => a.close())
  t.teardown(() => b.close())
  t.not(a.metrics.registry, b.metrics.registry)
  for (let i = 0; i < 3; i++) await a.inject('/orders/1')
  await b.inject('/orders/1')
  a.metrics.counter({ name: 'orders_created_total', help: 'orders' }).inc(5)
  const ea = parseExposition((await a.inject('/metrics')).body)
  const eb = parseExposition((await b.inject('/metrics')).body)
  t.equal(ea.sum(COUNT, { route: '/orders/:id' }), 3)
  t.equal(eb.sum(COUNT, { route: '/orders/:id' }), 1)
  t.equal(ea.sum('orders_created_total'), 5)
  t.equal(eb.select('orders_created_total').length, 0)
  t.ok(ea.select('process_cpu_user_seconds_total').length === 1 && eb.select('process_cpu_user_seconds_total').length === 1, 'both have their process metrics')
})

t.test('the same app built twice in a row, as tests do, registers cleanly each time', async (t) => {
  for (let i = 0; i < 3; i++) {
    const app = await build()
    await app.inject('/orders/1')
    t.equal(parseExposition((await app.inject('/metrics')).body).sum(COUNT, { route: '/orders/:id' }), 1, `build ${i}`)
    await app.close()
  }
})

t.test('a registry given in is used, shared with other metrics, and freed on close', async (t) => {
  const registry = new Registry()
  const { Counter } = await import('prom-client')
  new Counter({ name: 'outside_total', help: 'not the plugin\'s', registers: [registry] }) // eslint-disable-line no-new
  const app = await build({ registry })
  t.equal(app.metrics.registry, registry)
  await app.inject('/orders/1')
  app.metrics.gauge({ name: 'custom_gauge', help: 'declared through the helpers' }).set(1)
  const exposition = parseExposition(await registry.metrics())
  t.equal(exposition.sum(COUNT, { route: '/orders/:id' }), 1)

  const second = Fastify()
  t.teardown(() => second.close())
  await t.rejects(async () => { await second.register(metrics, { registry }) }, { code: 'FP_ERR_METRICS_NAME_TAKEN', message: /http_request_duration_seconds.*two apps/ })

  await app.close()
  t.same(registry.getMetricsAsArray().map((m) => m.name), ['outside_total'], 'only what was there before remains')
  const again = await build({ registry })
  t.teardown(() => again.close())
  t.pass('a new app registers on the freed registry')
})

t.test('a prefix applies to every metric name, so two apps can share one registry', async (t) => {
  const registry = new Registry()
  const a = await build({ registry, prefix: 'a_' })
  const b = await build({ registry, prefix: 'b_', defaultMetrics: false })
  t.teardown(() => a.close())
  t.teardown(() => b.close())
  await a.inject('/orders/1')
  await b.inject('/orders/1')
  await b.inject('/orders/2')
  b.metrics.counter({ name: 'events_total', help: 'x' }).inc()
  const exposition = parseExposition(await registry.metrics())
  t.equal(exposition.sum(`a_${COUNT}`), 1)
  t.equal(exposition.sum(`b_${COUNT}`), 2)
  t.equal(exposition.sum('b_events_total'), 1)
  const unprefixed = exposition.samples.filter((s) => !s.name.startsWith('a_') && !s.name.startsWith('b_'))
  t.same(unprefixed, [], 'no metric escapes the prefix')
  t.ok(exposition.types.has('a_nodejs_eventloop_utilization_ratio'))
  t.ok(exposition.types.has('a_process_cpu_seconds_total'))
})
