import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { MetricsCap, problems, provide } from '@fastify-production/core'
import health, { PRESSURE_CHANNEL, type HealthOptions, type PressureState } from '../src/index.js'

// Health only counts; a histogram or gauge asked for would be a change of contract.
const notUsedByHealth = { histogram: () => { throw new Error('health declares no histogram') }, gauge: () => { throw new Error('health declares no gauge') } }

/** Resolves with the next pressure change published by any app in this process. */
function nextPressureChange (t: Test): Promise<PressureState> {
  return new Promise((resolve) => {
    // The sampling timer is unref'd: with nothing else pending, the test process would end before it fires.
    const keepAlive = setInterval(() => {}, 1000)
    const stop = (): void => {
      clearInterval(keepAlive)
      unsubscribe(PRESSURE_CHANNEL, listener)
    }
    const listener = (message: unknown): void => {
      stop()
      resolve(message as PressureState)
    }
    subscribe(PRESSURE_CHANNEL, listener)
    t.teardown(stop)
  })
}

async function overHeapLimit (t: Test, options: HealthOptions = {}, before?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  before?.(app)
  const change = nextPressureChange(t)
  await app.register(health, { sampleInterval: 10, maxHeapUsedBytes: 1, maxEventLoopDelay: 0, ...options })
  app.get('/orders', async () => 'orders')
  app.get('/metrics', { config: { production: { loadShedding: false } } }, async () => 'metrics 1')
  await app.ready()
  t.equal((await change).reason, 'heapUsedBytes')
  return app
}

t.test('over a limit, ordinary routes and 404s are shed; probes and production.loadShedding:false routes are not', async (t) => {
  const app = await overHeapLimit(t)
  t.equal(app.health.pressure.underPressure, true)
  const shed = await app.inject('/orders?secret=1')
  t.equal(shed.statusCode, 503)
  t.equal(shed.headers['retry-after'], '10')
  t.equal(shed.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(shed.json(), {
    type: 'about:blank',
    title: 'Service Unavailable',
    status: 503,
    detail: 'The server is overloaded; retry later.',
    instance: '/orders',
    code: 'SERVICE_UNAVAILABLE',
    requestId: 'req-1'
  })
  t.equal((await app.inject('/nowhere')).statusCode, 503)
  t.equal((await app.inject('/metrics')).statusCode, 200)
  for (const probe of ['live', 'ready', 'startup']) t.equal((await app.inject(`/health/${probe}`)).statusCode, 200, probe)
})

t.test('with queue-delay shedding off (maxQueueDelay: 0), the sampled limits shed the same way', async (t) => {
  const app = await overHeapLimit(t, { maxQueueDelay: 0 })
  t.equal((await app.inject('/orders')).statusCode, 503)
  t.equal((await app.inject('/nowhere')).statusCode, 503)
  t.equal((await app.inject('/metrics')).statusCode, 200)
  t.equal((await app.inject('/health/live')).statusCode, 200)
})

t.test('the shed body comes from the app\'s one problem writer: its typeBaseUrl applies', async (t) => {
  const app = await overHeapLimit(t)
  problems(app).typeBaseUrl = 'https://errors.example.com/'
  t.match((await app.inject('/orders')).json(), { type: 'https://errors.example.com/SERVICE_UNAVAILABLE', status: 503 })
})

t.test('a top-level config.loadShedding (a key other plugins may own) is not ours: that route is shed', async (t) => {
  const app = await overHeapLimit(t, {}, (app) => {
    app.get('/legacy', { config: { loadShedding: false } as never }, async () => 'legacy')
  })
  t.equal((await app.inject('/legacy')).statusCode, 503)
})

t.test('with the metrics capability, shed requests are counted by reason', async (t) => {
  const declared: unknown[] = []
  const counted: unknown[] = []
  const app = await overHeapLimit(t, {}, (app) => {
    provide(app, MetricsCap, {
      counter (config) {
        declared.push(config)
        return { inc (labels) { counted.push(labels) } }
      },
      metricsAsJson: async () => [],
      ...notUsedByHealth
    }, 'test')
  })
  await app.inject('/orders')
  await app.inject('/orders')
  await app.inject('/metrics')
  t.same(declared, [{ name: 'http_requests_shed_total', help: 'Requests answered 503 by load shedding, by reason: the sampled limit exceeded, or queueDelay', labelNames: ['reason'] }])
  t.same(counted, [{ reason: 'heapUsedBytes' }, { reason: 'heapUsedBytes' }])
})

t.test('a foreign `metrics` decorator (fastify-metrics and the like) is never called', async (t) => {
  const app = await overHeapLimit(t, {}, (app) => {
    app.decorate('metrics', { counter: 'not ours' })
  })
  t.equal((await app.inject('/orders')).statusCode, 503)
})

t.test('loadShedding: false measures and reports pressure but never sheds', async (t) => {
  const app = await overHeapLimit(t, { loadShedding: false }, (app) => {
    provide(app, MetricsCap, { counter () { throw new Error('not expected: nothing is shed') }, metricsAsJson: async () => [], ...notUsedByHealth }, 'test')
  })
  t.equal(app.health.pressure.reason, 'heapUsedBytes')
  t.equal((await app.inject('/orders')).statusCode, 200)
})

t.test('the probe routes opt out of rate limiting, load shedding and access lines, ours and the app\'s own plugins\'', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const configs: Record<string, unknown> = {}
  app.addHook('onRoute', (route) => { configs[route.url] = route.config })
  await app.register(health, { prefix: '/probes' })
  await app.ready()
  for (const probe of ['live', 'ready', 'startup']) {
    const config = configs[`/probes/${probe}`] as { production: unknown, rateLimit: unknown, pressureHandler: unknown }
    t.same(Object.keys(config), ['production', 'rateLimit', 'pressureHandler'], probe)
    t.same(config.production, { accessLog: false, rateLimit: false, loadShedding: false }, probe)
    t.equal(config.rateLimit, false, `${probe}: @fastify/rate-limit's own opt-out`)
    // @fastify/under-pressure's own per-route handler: lets the probe through when the app runs it.
    t.type(config.pressureHandler, 'function')
  }
})
