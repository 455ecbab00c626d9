import { createRequire } from 'node:module'
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type PerformanceEntry } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import { Gauge, Histogram, type Registry } from 'prom-client'

const require = createRequire(import.meta.url)

type Collector = (registry: Registry, config: { prefix: string }) => void

/**
 * prom-client's default collectors that only read state at scrape time. `collectDefaultMetrics()`
 * also starts a `monitorEventLoopDelay` timer and a GC `PerformanceObserver` it never exposes, so
 * they can never be stopped: every app built would leak both. Those two are re-implemented below,
 * with the same metric names, and stopped on close.
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

/** Registers the process metrics on `registry`; returns what stops their monitors. */
export function collectProcessMetrics (registry: Registry, prefix: string): () => void {
  for (const name of STATELESS_COLLECTORS) {
    (require(`prom-client/lib/metrics/${name}.js`) as Collector)(registry, { prefix })
  }
  const registers = [registry]

  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  new Gauge({ // eslint-disable-line no-new
    name: `${prefix}nodejs_eventloop_lag_seconds`,
    help: 'Lag of event loop in seconds.',
    registers,
    // Registered before the gauges it sets, so the registry reads them after this scrape-time collect.
    // The percentiles cover the time since the previous scrape.
    async collect () {
      if (delay.count > 0) {
        lagMin.set(delay.min / NS)
        lagMax.set(delay.max / NS)
        lagMean.set(delay.mean / NS)
        lagStddev.set(delay.stddev / NS)
        lagP50.set(delay.percentile(50) / NS)
        lagP90.set(delay.percentile(90) / NS)
        lagP99.set(delay.percentile(99) / NS)
      }
      delay.reset()
      const start = process.hrtime.bigint()
      await new Promise(setImmediate)
      this.set(Number(process.hrtime.bigint() - start) / NS)
    }
  })
  const lag = (suffix: string, help: string): Gauge => new Gauge({ name: `${prefix}nodejs_eventloop_lag_${suffix}seconds`, help, registers })
  const lagMin = lag('min_', 'The minimum recorded event loop delay.')
  const lagMax = lag('max_', 'The maximum recorded event loop delay.')
  const lagMean = lag('mean_', 'The mean of the recorded event loop delays.')
  const lagStddev = lag('stddev_', 'The standard deviation of the recorded event loop delays.')
  const lagP50 = lag('p50_', 'The 50th percentile of the recorded event loop delays.')
  const lagP90 = lag('p90_', 'The 90th percentile of the recorded event loop delays.')
  const lagP99 = lag('p99_', 'The 99th percentile of the recorded event loop delays.')

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
    delay.disable()
    gc.disconnect()
  }
}
