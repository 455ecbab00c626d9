import t from 'tap'
import Fastify from 'fastify'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { ProcessSample } from '@fastify-production/core'
import { PRESSURE_CHANNEL } from '../src/index.js'
import { PressureMonitor, readingOf, type PressureState } from '../src/pressure.js'
import { logCapture } from '@fastify-production/test-support'

interface Usage { heapUsed: number, rssBytes: number, eventLoopUtilized: number }

function monitor (limits: Partial<ConstructorParameters<typeof PressureMonitor>[0]['limits']> = {}, warnEventLoopDelay = 100) {
  const logs = logCapture()
  const log = Fastify({ logger: { level: 'info', stream: logs.stream } }).log
  const readings = { usage: { heapUsed: 100, rssBytes: 200, eventLoopUtilized: 0.5 } as Usage, delay: 0, now: 1_000_000 }
  const changes: PressureState[] = []
  const m = new PressureMonitor({
    limits: { maxEventLoopDelay: 1000, maxHeapUsedBytes: 1000, maxRssBytes: 2000, maxEventLoopUtilization: 0.9, ...limits },
    warnEventLoopDelay,
    log,
    onChange: (state) => { changes.push(state) }
  })
  const sample = (lateMs: number): void => {
    m.sample({
      at: readings.now,
      eventLoopDelayMs: Math.max(readings.delay, lateMs),
      eventLoopUtilization: readings.usage.eventLoopUtilized,
      heapUsedBytes: readings.usage.heapUsed,
      rssBytes: readings.usage.rssBytes
    })
  }
  return { m: { sample, get state () { return m.state } }, logs, readings, changes }
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

t.test('a process sample becomes a reading: the delay is its p99 or the sampler\'s lateness, whichever is larger', async (t) => {
  const delay = { min: 0, max: 300, mean: 20, stddev: 5, p50: 10, p90: 40, p99: 250, count: 100 }
  const sample: ProcessSample = { at: 42, intervalMs: 1000, lateMs: 3, delay, eventLoopUtilization: 0.25, heapUsedBytes: 10, rssBytes: 20 }
  t.same(readingOf(sample), { at: 42, eventLoopDelayMs: 250, eventLoopUtilization: 0.25, heapUsedBytes: 10, rssBytes: 20 })
  t.equal(readingOf({ ...sample, lateMs: 1200 }).eventLoopDelayMs, 1200, 'a block that spans the sample shows as lateness')
})
