import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { MetricsCap, provide, type CounterLike, type MetricsCapability } from '@fastify-production/core'
import security from '../src/index.js'

function fakeMetrics (): { metrics: MetricsCapability, counts: Map<string, number>, declared: string[] } {
  const counts = new Map<string, number>()
  const declared: string[] = []
  // Only counter() is used by this package; the rest of the capability is left out on purpose.
  const metrics = {
    counter ({ name }: { name: string }) {
      declared.push(name)
      const counter: CounterLike = {
        inc (labels = {}, value = 1) {
          const key = `${name}${JSON.stringify(labels)}`
          counts.set(key, (counts.get(key) ?? 0) + value)
        }
      }
      return counter
    },
    metricsAsJson: async () => []
  } as unknown as MetricsCapability
  return { metrics, counts, declared }
}

t.test('rate-limited requests are counted per tier when the metrics capability is provided', async (t) => {
  const { metrics, counts, declared } = fakeMetrics()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fp(async (instance) => { provide(instance, MetricsCap, metrics, 'test') }, { name: 'fake-metrics' }))
  await app.register(security, { rateLimit: { max: 1 } })
  app.post('/login', { config: { production: { rateLimit: 'strict' } } }, async () => 'in')
  app.get('/', async () => 'ok')
  for (let i = 0; i < 3; i++) await app.inject('/')
  for (let i = 0; i < 6; i++) await app.inject({ method: 'POST', url: '/login' })
  t.same(declared, ['http_requests_rate_limited_total', 'rate_limit_store_errors_total'])
  t.equal(counts.get('http_requests_rate_limited_total{"tier":"global"}'), 2)
  t.equal(counts.get('http_requests_rate_limited_total{"tier":"strict"}'), 1)
})

t.test('the metrics capability may be provided after this plugin', async (t) => {
  const { metrics, counts } = fakeMetrics()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { rateLimit: { max: 1 } })
  provide(app, MetricsCap, metrics, 'test')
  app.get('/', async () => 'ok')
  await app.inject('/')
  await app.inject('/')
  t.equal(counts.get('http_requests_rate_limited_total{"tier":"global"}'), 1)
})

t.test('another plugin\'s `metrics` decorator (fastify-metrics has one) is not ours: nothing is counted, nothing fails', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  // fastify-metrics' decorator: a prom-client wrapper without counter(); it crashed the boot when read as ours.
  app.decorate('metrics', { client: {}, initMetricsInContext () {}, routeMetrics: {} })
  await app.register(security, { rateLimit: { max: 1 } })
  app.get('/', async () => 'ok')
  await app.inject('/')
  t.equal((await app.inject('/')).statusCode, 429)
})

t.test('without metrics nothing is counted and nothing fails', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { rateLimit: { max: 1 } })
  app.get('/', async () => 'ok')
  await app.inject('/')
  t.equal((await app.inject('/')).statusCode, 429)
})

t.test('store failures are counted per tier', async (t) => {
  const { metrics, counts } = fakeMetrics()
  const app = Fastify()
  t.teardown(() => app.close())
  provide(app, MetricsCap, metrics, 'test')
  const failing = { evalsha: async () => { throw new Error('down') }, eval: async () => { throw new Error('down') } }
  await app.register(security, { rateLimit: { redis: failing } })
  app.get('/', async () => 'ok')
  await app.inject('/')
  await app.inject('/')
  t.equal(counts.get('rate_limit_store_errors_total{"tier":"global"}'), 2)
})
