import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import underPressure from '@fastify/under-pressure'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { MetricsCap, provide } from '@fastify-production/core'
import { logCapture, type LogLine } from '@fastify-production/test-support'
import health, { PRESSURE_CHANNEL, type HealthOptions } from '../src/index.js'

// Health only counts; a histogram or gauge asked for would be a change of contract.
const notUsedByHealth = { histogram: () => { throw new Error('health declares no histogram') }, gauge: () => { throw new Error('health declares no gauge') } }

const YIELDS = 'health: @fastify/under-pressure is registered; it sheds load, health only measures (pass loadShedding: true to shed here too)'
const BOTH = 'health: @fastify/under-pressure is registered too; both shed load (loadShedding: true)'

/** Resolves once health reports pressure (the sampler's timer is unref'd: keep the loop alive meanwhile). */
function healthUnderPressure (t: Test): Promise<void> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => {}, 1000)
    const listener = (): void => { stop(); resolve() }
    const stop = (): void => { clearInterval(keepAlive); unsubscribe(PRESSURE_CHANNEL, listener) }
    subscribe(PRESSURE_CHANNEL, listener)
    t.teardown(stop)
  })
}

interface Built { app: FastifyInstance, lines: LogLine[], counted: unknown[] }

/** An app that runs the real under-pressure (before or after health), health over its heap limit. */
async function build (t: Test, order: 'before' | 'after', underPressureOptions: object, options: HealthOptions = {}): Promise<Built> {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  const counted: unknown[] = []
  provide(app, MetricsCap, { counter: () => ({ inc (labels) { counted.push(labels) } }), metricsAsJson: async () => [], ...notUsedByHealth }, 'test')
  const pressure = healthUnderPressure(t)
  if (order === 'before') await app.register(underPressure, underPressureOptions)
  await app.register(health, { sampleInterval: 10, maxHeapUsedBytes: 1, maxEventLoopDelay: 0, ...options })
  if (order === 'after') await app.register(underPressure, underPressureOptions)
  app.get('/orders', async () => 'orders')
  await app.ready()
  await pressure
  return { app, lines: logs.lines, counted }
}

const relaxed = { maxEventLoopDelay: 60_000 }
// Its external health check failing makes under-pressure shed every request it sees, from registration on.
const shedding = { healthCheck: async () => false, healthCheckInterval: 3_600_000 }

for (const order of ['before', 'after'] as const) {
  t.test(`registered ${order} health: both boot, under-pressure sheds, health only measures and says so once`, async (t) => {
    const { app, lines, counted } = await build(t, order, relaxed)
    t.equal(typeof app.memoryUsage, 'function', 'under-pressure\'s decorators are the app\'s, no clash')
    t.equal(app.health.pressure.underPressure, true, 'health measures')
    t.equal((await app.inject('/orders')).statusCode, 200, 'but leaves shedding to under-pressure')
    t.same(counted, [])
    t.same(lines.filter((l) => /under-pressure/.test(l.msg ?? '')).map((l) => [l.level, l.msg]), [[30, YIELDS]], 'one info line at ready')
  })
}

t.test('the app\'s under-pressure sheds its routes but never health\'s probes', async (t) => {
  const { app } = await build(t, 'before', shedding)
  const shed = await app.inject('/orders')
  t.equal(shed.statusCode, 503)
  t.match(shed.json(), { code: 'FST_UNDER_PRESSURE' }, 'answered by under-pressure alone')
  for (const probe of ['live', 'ready', 'startup']) t.equal((await app.inject(`/health/${probe}`)).statusCode, 200, probe)
})

t.test('loadShedding: true asks for both: health sheds too, and says so', async (t) => {
  const { app, lines, counted } = await build(t, 'after', relaxed, { loadShedding: true })
  const res = await app.inject('/orders')
  t.equal(res.statusCode, 503)
  t.match(res.json(), { code: 'SERVICE_UNAVAILABLE' })
  t.same(counted, [{ reason: 'heapUsedBytes' }])
  t.same(lines.filter((l) => /under-pressure/.test(l.msg ?? '')).map((l) => l.msg), [BOTH])
})

t.test('loadShedding: false next to under-pressure: nothing shed by health, the same line', async (t) => {
  const { app, lines } = await build(t, 'before', relaxed, { loadShedding: false })
  t.equal((await app.inject('/orders')).statusCode, 200)
  t.same(lines.filter((l) => /under-pressure/.test(l.msg ?? '')).map((l) => l.msg), [YIELDS])
})

t.test('without under-pressure nothing is said about it', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(health)
  await app.ready()
  t.notOk(logs.lines.some((l) => /under-pressure/.test(l.msg ?? '')))
})
