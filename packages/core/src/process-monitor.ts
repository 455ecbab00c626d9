import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks'

/** One sampling interval of the process, shared by every package that watches it. Times in ms. */
export interface ProcessSample {
  /** Epoch ms when the sample was taken. */
  readonly at: number
  /** Length of the interval the figures cover, in ms. */
  readonly intervalMs: number
  /** How late the sampling timer itself fired: a block that spans the sample shows here first. */
  readonly lateMs: number
  /** Event-loop delay over the interval (the histogram's own resolution taken off). */
  readonly delay: { readonly min: number, readonly max: number, readonly mean: number, readonly stddev: number, readonly p50: number, readonly p90: number, readonly p99: number, readonly count: number }
  /** Event-loop utilisation over the interval, 0..1. */
  readonly eventLoopUtilization: number
  readonly heapUsedBytes: number
  readonly rssBytes: number
}

export type ProcessSampleListener = (sample: ProcessSample) => void

const RESOLUTION_MS = 10
/** The interval used when no subscriber asks for one. */
export const DEFAULT_SAMPLE_INTERVAL = 1000

interface Subscription { interval: number | undefined, listener: ProcessSampleListener }

/**
 * One event-loop delay histogram and one sampling timer for the whole process, however many apps
 * and packages watch it: health sheds from its samples, metrics exports them. It runs while anyone
 * subscribes, at the shortest interval asked for, on an unref'd timer.
 */
class ProcessMonitor {
  last: ProcessSample | undefined
  readonly #subscriptions = new Set<Subscription>()
  #histogram: IntervalHistogram | undefined
  #timer: NodeJS.Timeout | undefined
  #interval = DEFAULT_SAMPLE_INTERVAL
  #due = 0
  #startedAt = 0
  #elu: EventLoopUtilization | undefined

  subscribe (interval: number | undefined, listener: ProcessSampleListener): () => void {
    const subscription: Subscription = { interval, listener }
    this.#subscriptions.add(subscription)
    this.#reschedule()
    return () => {
      if (this.#subscriptions.delete(subscription)) this.#reschedule()
    }
  }

  #wanted (): number | undefined {
    if (this.#subscriptions.size === 0) return undefined
    let wanted = Infinity
    for (const s of this.#subscriptions) wanted = Math.min(wanted, s.interval ?? DEFAULT_SAMPLE_INTERVAL)
    return wanted
  }

  #reschedule (): void {
    const wanted = this.#wanted()
    if (wanted === undefined) {
      clearTimeout(this.#timer)
      this.#timer = undefined
      this.#histogram?.disable()
      this.#histogram = undefined
      this.last = undefined
      return
    }
    if (this.#timer !== undefined && wanted === this.#interval) return
    this.#interval = wanted
    clearTimeout(this.#timer)
    if (this.#histogram === undefined) {
      this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
      this.#histogram.enable()
      this.#elu = performance.eventLoopUtilization()
      this.#startedAt = performance.now()
    }
    this.#due = performance.now() + wanted
    this.#timer = setTimeout(() => { this.#tick() }, wanted)
    this.#timer.unref()
  }

  #tick (): void {
    const histogram = this.#histogram as IntervalHistogram
    const now = performance.now()
    const lateMs = Math.max(0, now - this.#due)
    const ms = (ns: number): number => histogram.count === 0 ? 0 : Math.max(0, ns / 1e6 - RESOLUTION_MS)
    const elu = performance.eventLoopUtilization()
    const sample: ProcessSample = Object.freeze({
      at: Date.now(),
      intervalMs: now - this.#startedAt,
      lateMs,
      delay: Object.freeze({
        min: ms(histogram.min),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
        stddev: histogram.count === 0 ? 0 : histogram.stddev / 1e6,
        p50: ms(histogram.percentile(50)),
        p90: ms(histogram.percentile(90)),
        p99: ms(histogram.percentile(99)),
        count: histogram.count
      }),
      eventLoopUtilization: performance.eventLoopUtilization(elu, this.#elu).utilization,
      heapUsedBytes: process.memoryUsage().heapUsed,
      rssBytes: process.memoryUsage.rss()
    })
    histogram.reset()
    this.#elu = elu
    this.#startedAt = now
    this.#due = now + this.#interval
    ;(this.#timer as NodeJS.Timeout).refresh()
    this.last = sample
    for (const s of [...this.#subscriptions]) s.listener(sample)
  }
}

const kMonitor = Symbol.for('fastify-production.process-monitor')
const holder = globalThis as unknown as Record<symbol, ProcessMonitor | undefined>

/** The process-wide monitor (one even when two copies of this package are installed). */
export function processMonitor (): { readonly last: ProcessSample | undefined, subscribe: (interval: number | undefined, listener: ProcessSampleListener) => () => void } {
  holder[kMonitor] ??= new ProcessMonitor()
  return holder[kMonitor]
}
