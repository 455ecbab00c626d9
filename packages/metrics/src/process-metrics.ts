import { createRequire } from 'node:module'
import { constants as perfConstants, performance, PerformanceObserver, type EventLoopUtilization, type PerformanceEntry } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import { Gauge, Histogram, type Registry } from 'prom-client'
import { processMonitor, type ProcessSample } from '@fastify-production/core'

const require = createRequire(import.meta.url)

type Collector = (registry: Registry, config: { prefix: string }) => void

/**
 * prom-client's default collectors that only read state at scrape time. `collectDefaultMetrics()`
 * also starts a `monitorEventLoopDelay` timer and a GC `PerformanceObserver` it never exposes, so
 * they can never be stopped: every app built would leak both. Those two are re-implemented below,
 * with the same metric names, and stopped on close; the event-loop delay comes from core's one
 * process monitor, which health's load shedding reads too.
 */
const STATELESS_COLLECTORS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version'
] as const

/** prom-client's totals of the per-type `nodejs_active_*` gauges, left out. */
export const LEGACY_TOTALS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const

const GC_KINDS = new Map<number, string>([
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb']
])

export function gcKind (kind: number): string {
  return GC_KINDS.get(kind) ?? 'unknown'
}

const NS = 1e9
const MS = 1e3

interface DelayReading {
  /** The last completed sampling interval, or undefined before the first one. */
  last: ProcessSample | undefined
  /** Lowest and highest delay (ms) over the intervals since the previous scrape; the last interval's when none completed since. */
  min: number
  max: number
}

/**
 * A block that ends when a sample is due is taken by the sampling timer, not the histogram (whose
 * reset at the sample forgets it): the sampler's own lateness is a delay the loop had too.
 */
function longestDelay (sample: ProcessSample): number {
  return Math.max(sample.delay.max, sample.lateMs)
}

/**
 * Event-loop delay from the process monitor (one histogram and timer per process). Percentiles,
 * mean and stddev describe the last completed interval: they cannot be merged across intervals.
 * Min and max can, so they cover every interval since the previous scrape and a spike between two
 * scrapes is never missed.
 */
export function eventLoopDelay (): { scrape: () => DelayReading, stop: () => void } {
  const monitor = processMonitor()
  // Another app or package may have the monitor running already: its latest sample counts.
  let last: ProcessSample | undefined = monitor.last
  let min = Infinity
  let max = -Infinity
  const stop = monitor.subscribe(undefined, (sample) => {
    last = sample
    min = Math.min(min, sample.delay.min)
    max = Math.max(max, longestDelay(sample))
  })
  return {
    scrape () {
      const reading: DelayReading = min === Infinity
        ? { last, min: last?.delay.min ?? 0, max: last === undefined ? 0 : longestDelay(last) }
        : { last, min, max }
      min = Infinity
      max = -Infinity
      return reading
    },
    stop
  }
}

/** Registers the process metrics on `registry`; returns what stops their monitors. */
export function collectProcessMetrics (registry: Registry, prefix: string): () => void {
  for (const name of STATELESS_COLLECTORS) {
    (require(`prom-client/lib/metrics/${name}.js`) as Collector)(registry, { prefix })
  }
  // Gauges named like counters (promtool check metrics refuses them): the per-`type` gauges next to
  // them add up to the same number, and alerts/ ships recording rules under the old names.
  for (const name of LEGACY_TOTALS) registry.removeSingleMetric(`${prefix}${name}`)
  const registers = [registry]

  const lag = eventLoopDelay()
  new Gauge({ // eslint-disable-line no-new
    name: `${prefix}nodejs_eventloop_lag_seconds`,
    help: 'Lag of event loop in seconds.',
    registers,
    // Registered before the gauges it sets, so the registry reads them after this scrape-time collect.
    async collect () {
      const { last, min, max } = lag.scrape()
      if (last !== undefined) {
        lagMin.set(min / MS)
        lagMax.set(max / MS)
        lagMean.set(last.delay.mean / MS)
        lagStddev.set(last.delay.stddev / MS)
        lagP50.set(last.delay.p50 / MS)
        lagP90.set(last.delay.p90 / MS)
        lagP99.set(last.delay.p99 / MS)
      }
      const start = process.hrtime.bigint()
      await new Promise(setImmediate)
      this.set(Number(process.hrtime.bigint() - start) / NS)
    }
  })
  const gauge = (suffix: string, help: string): Gauge => new Gauge({ name: `${prefix}nodejs_eventloop_lag_${suffix}seconds`, help, registers })
  const lagMin = gauge('min_', 'The minimum event loop delay of the sampling intervals since the previous scrape.')
  const lagMax = gauge('max_', 'The maximum event loop delay of the sampling intervals since the previous scrape.')
  const lagMean = gauge('mean_', 'The mean event loop delay of the last sampling interval.')
  const lagStddev = gauge('stddev_', 'The standard deviation of the event loop delay of the last sampling interval.')
  const lagP50 = gauge('p50_', 'The 50th percentile of the event loop delay of the last sampling interval.')
  const lagP90 = gauge('p90_', 'The 90th percentile of the event loop delay of the last sampling interval.')
  const lagP99 = gauge('p99_', 'The 99th percentile of the event loop delay of the last sampling interval.')

  let lastElu: EventLoopUtilization = performance.eventLoopUtilization()
  new Gauge({ // eslint-disable-line no-new
    name: `${prefix}nodejs_eventloop_utilization_ratio`,
    help: 'Event loop utilization (0 to 1) since the previous scrape.',
    registers,
    collect () {
      const now = performance.eventLoopUtilization()
      this.set(performance.eventLoopUtilization(now, lastElu).utilization)
      lastElu = now
    }
  })

  new Gauge({ // eslint-disable-line no-new
    name: `${prefix}nodejs_heap_size_limit_bytes`,
    help: 'V8 heap size limit (--max-old-space-size and friends) in bytes.',
    registers,
    collect () { this.set(getHeapStatistics().heap_size_limit) }
  })

  const gcDuration = new Histogram({
    name: `${prefix}nodejs_gc_duration_seconds`,
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    labelNames: ['kind'],
    buckets: [0.001, 0.01, 0.1, 1, 2, 5],
    registers
  })
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcDuration.observe({ kind: gcKind((entry as PerformanceEntry & { detail: { kind: number } }).detail.kind) }, entry.duration / 1000)
    }
  })
  gc.observe({ entryTypes: ['gc'] })

  return function stopProcessMetrics () {
    lag.stop()
    gc.disconnect()
  }
}
