import t from 'tap'
import Fastify from 'fastify'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'
import { PRESSURE_CHANNEL } from '../src/index.js'
import { PressureMonitor, eventLoopDelayReader, type PressureState, type UsageReadings } from '../src/pressure.js'
import { logCapture } from '@fastify-production/test-support'

function monitor (limits: Partial<ConstructorParameters<typeof PressureMonitor>[0]['limits']> = {}, warnEventLoopDelay = 100) {
  const logs = logCapture()
  const log = Fastify({ logger: { level: 'info', stream: logs.stream } }).log
  const readings = { usage: { heapUsed: 100, rssBytes: 200, eventLoopUtilized: 0.5 } as UsageReadings, delay: 0, now: 1_000_000 }
  const changes: PressureState[] = []
  const m = new PressureMonitor({
    limits: { maxEventLoopDelay: 1000, maxHeapUsedBytes: 1000, maxRssBytes: 2000, maxEventLoopUtilization: 0.9, ...limits },
    warnEventLoopDelay,
    log,
    readUsage: () => readings.usage,
    readDelay: () => readings.delay,
    onChange: (state) => { changes.push(state) },
    now: () => readings.now
  })
  return { m, logs, readings, changes }
}

t.test('each limit, checked in order, names the reason; a sample under every limit clears it', async (t) => {
  const { m, readings, changes, logs } = monitor()
  t.same(m.state, { underPressure: false, reason: null, eventLoopDelayMs: 0, eventLoopUtilization: 0, heapUsedBytes: 0, rssBytes: 0, sampledAt: 0 })
  const cases: Array<[string, () => void, string]> = [
    ['ELU', () => { readings.usage = { heapUsed: 100, rssBytes: 200, eventLoopUtilized: 0.95 } }, 'eventLoopUtilization'],
    ['RSS', () => { readings.usage = { heapUsed: 100, rssBytes: 2001, eventLoopUtilized: 0.95 } }, 'rssBytes'],
    ['heap', () => { readings.usage = { heapUsed: 1001, rssBytes: 2001, eventLoopUtilized: 0.95 } }, 'heapUsedBytes'],
    ['delay p99', () => { readings.delay = 1500 }, 'eventLoopDelay']
  ]
  for (const [what, exceed, reason] of cases) {
    exceed()
    m.sample(0)
    t.equal(m.state.reason, reason, `${what} over its limit`)
    t.equal(m.state.underPressure, true)
  }
  readings.usage = { heapUsed: 100, rssBytes: 200, eventLoopUtilized: 0.1 }
  readings.delay = 3
  m.sample(0)
  t.same(m.state, { underPressure: false, reason: null, eventLoopDelayMs: 3, eventLoopUtilization: 0.1, heapUsedBytes: 100, rssBytes: 200, sampledAt: 1_000_000 })
  t.same(changes.map((c) => c.reason), ['eventLoopUtilization', 'rssBytes', 'heapUsedBytes', 'eventLoopDelay', null])
  t.match(logs.lines.find((l) => l.level === 40 && /under pressure \(heapUsedBytes 1001 > 1000\)/.test(l.msg ?? '')), { limit: 1000, value: 1001 })
  t.ok(logs.lines.some((l) => l.level === 30 && l.msg === 'health: pressure relieved'))
  m.sample(0)
  t.equal(changes.length, 5, 'no change, no report')
})

t.test('a sampler that ran late counts as event-loop delay', async (t) => {
  const { m } = monitor()
  m.sample(1200.4)
  t.equal(m.state.reason, 'eventLoopDelay')
  t.equal(m.state.eventLoopDelayMs, 1200)
})

t.test('a limit of 0 is off', async (t) => {
  const { m, readings } = monitor({ maxEventLoopDelay: 0, maxHeapUsedBytes: 0, maxRssBytes: 0, maxEventLoopUtilization: 0 })
  readings.usage = { heapUsed: 1e12, rssBytes: 1e12, eventLoopUtilized: 1 }
  m.sample(1e6)
  t.equal(m.state.underPressure, false)
})

t.test('a delay over warnEventLoopDelay logs a warning at most every 30 s, counting the ones left out', async (t) => {
  const { m, readings, logs } = monitor({}, 100)
  const warnings = (): typeof logs.lines => logs.lines.filter((l) => /^health: event-loop delay p99/.test(l.msg ?? ''))
  readings.delay = 100
  m.sample(0)
  t.equal(warnings().length, 0, 'at the threshold is fine')
  readings.delay = 250
  m.sample(0)
  t.match(warnings(), [{ level: 40, eventLoopDelayMs: 250, warnEventLoopDelay: 100, suppressed: 0 }])
  t.equal(m.state.underPressure, false, 'the warning comes before shedding')
  readings.now += 10_000
  m.sample(0)
  readings.now += 10_000
  m.sample(0)
  t.equal(warnings().length, 1, 'rate-limited')
  readings.now += 10_000
  m.sample(0)
  t.match(warnings()[1], { suppressed: 2 })
})

t.test('warnEventLoopDelay 0 never warns', async (t) => {
  const { m, readings, logs } = monitor({}, 0)
  readings.delay = 900
  m.sample(0)
  t.equal(logs.lines.length, 0)
})

t.test('pressure changes are published on the diagnostics channel', async (t) => {
  const { m, readings } = monitor()
  const seen: unknown[] = []
  const listener = (message: unknown): void => { seen.push(message) }
  m.sample(0)
  subscribe(PRESSURE_CHANNEL, listener)
  t.teardown(() => { unsubscribe(PRESSURE_CHANNEL, listener) })
  readings.usage = { heapUsed: 5000, rssBytes: 1, eventLoopUtilized: 0 }
  m.sample(0)
  m.sample(0)
  t.match(seen, [{ underPressure: true, reason: 'heapUsedBytes', heapUsedBytes: 5000 }])
})

t.test('the delay reader reports the p99 of the samples it saw, minus the histogram\'s resolution', async (t) => {
  const reader = eventLoopDelayReader()
  t.teardown(reader.stop)
  t.equal(reader.read(), 0, 'no samples yet')
  const block = (ms: number): void => { const end = performance.now() + ms; while (performance.now() < end); }
  // Two turns of the loop after each block: the histogram's overdue timer runs in the second one.
  const turns = async (): Promise<void> => {
    await new Promise<void>((resolve) => { setImmediate(resolve) })
    await new Promise<void>((resolve) => { setImmediate(resolve) })
  }
  block(15) // its first tick only starts the clock
  await turns()
  block(120)
  await turns()
  const p99 = reader.read()
  t.ok(p99 >= 100, `a 120 ms block shows in the p99 (${p99} ms)`)
  t.equal(reader.read(), 0, 'each read starts a new interval')
})
