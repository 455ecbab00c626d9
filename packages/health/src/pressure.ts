import { channel } from 'node:diagnostics_channel'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import type { FastifyBaseLogger } from 'fastify'
import type { PressureLimits } from './options.js'

export type PressureReason = 'eventLoopDelay' | 'heapUsedBytes' | 'rssBytes' | 'eventLoopUtilization'

/** The last sample: each figure covers one `sampleInterval`, not the time since start. */
export interface PressureState {
  /** A limit is exceeded: ordinary routes answer 503 until a sample is back under every limit. */
  readonly underPressure: boolean
  /** The first limit exceeded, or null. */
  readonly reason: PressureReason | null
  /** Event-loop delay p99 over the interval, in ms (or how late the sampler itself ran, if larger). */
  readonly eventLoopDelayMs: number
  /** Event-loop utilisation over the interval, 0..1. */
  readonly eventLoopUtilization: number
  readonly heapUsedBytes: number
  readonly rssBytes: number
  /** When the sample was taken (epoch ms); 0 before the first one. */
  readonly sampledAt: number
}

/** What @fastify/under-pressure's `memoryUsage()` measures for us. */
export interface UsageReadings {
  heapUsed: number
  rssBytes: number
  eventLoopUtilized: number
}

/** diagnostics_channel name; a message (the new `PressureState`) is published each time pressure starts or ends. */
export const PRESSURE_CHANNEL = 'fastify-production.health.pressure'

const WARN_EVERY_MS = 30_000
const RESOLUTION_MS = 10

const pressureChannel = channel(PRESSURE_CHANNEL)

export const INITIAL_PRESSURE: PressureState = Object.freeze({
  underPressure: false,
  reason: null,
  eventLoopDelayMs: 0,
  eventLoopUtilization: 0,
  heapUsedBytes: 0,
  rssBytes: 0,
  sampledAt: 0
})

export interface PressureMonitorOptions {
  limits: PressureLimits
  warnEventLoopDelay: number
  log: FastifyBaseLogger
  readUsage: () => UsageReadings
  /** Event-loop delay p99 in ms since the previous call. */
  readDelay: () => number
  onChange: (state: PressureState) => void
  now?: () => number
}

/** Turns one interval's readings into a `PressureState`, logs what an operator must see, reports changes. */
export class PressureMonitor {
  state: PressureState = INITIAL_PRESSURE
  readonly #options: PressureMonitorOptions
  readonly #now: () => number
  #lastWarnAt = -Infinity
  #suppressedWarnings = 0

  constructor (options: PressureMonitorOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  /** `lateMs`: how late the sampling timer fired; a block spanning the sample shows here first. */
  sample (lateMs: number): void {
    const { limits, log } = this.#options
    const usage = this.#options.readUsage()
    const delay = Math.round(Math.max(this.#options.readDelay(), lateMs))
    let reason: PressureReason | null = null
    let value = 0
    let limit = 0
    if (limits.maxEventLoopDelay > 0 && delay > limits.maxEventLoopDelay) {
      reason = 'eventLoopDelay'; value = delay; limit = limits.maxEventLoopDelay
    } else if (limits.maxHeapUsedBytes > 0 && usage.heapUsed > limits.maxHeapUsedBytes) {
      reason = 'heapUsedBytes'; value = usage.heapUsed; limit = limits.maxHeapUsedBytes
    } else if (limits.maxRssBytes > 0 && usage.rssBytes > limits.maxRssBytes) {
      reason = 'rssBytes'; value = usage.rssBytes; limit = limits.maxRssBytes
    } else if (limits.maxEventLoopUtilization > 0 && usage.eventLoopUtilized > limits.maxEventLoopUtilization) {
      reason = 'eventLoopUtilization'; value = usage.eventLoopUtilized; limit = limits.maxEventLoopUtilization
    }
    const now = this.#now()
    const previous = this.state
    this.state = Object.freeze({
      underPressure: reason !== null,
      reason,
      eventLoopDelayMs: delay,
      eventLoopUtilization: usage.eventLoopUtilized,
      heapUsedBytes: usage.heapUsed,
      rssBytes: usage.rssBytes,
      sampledAt: now
    })
    this.#warnOnDelay(delay, now)
    if (reason === previous.reason) return
    if (reason === null) log.info({ pressure: this.state }, 'health: pressure relieved')
    else log.warn({ pressure: this.state, limit, value }, `health: under pressure (${reason} ${value} > ${limit})`)
    this.#options.onChange(this.state)
    if (pressureChannel.hasSubscribers) pressureChannel.publish(this.state)
  }

  /** Blocking code shows in the log before it is bad enough to shed, once per 30 s at most. */
  #warnOnDelay (delay: number, now: number): void {
    const threshold = this.#options.warnEventLoopDelay
    if (threshold === 0 || delay <= threshold) return
    if (now - this.#lastWarnAt < WARN_EVERY_MS) {
      this.#suppressedWarnings++
      return
    }
    this.#options.log.warn({ eventLoopDelayMs: delay, warnEventLoopDelay: threshold, suppressed: this.#suppressedWarnings },
      `health: event-loop delay p99 ${delay} ms > ${threshold} ms; something blocks the event loop`)
    this.#lastWarnAt = now
    this.#suppressedWarnings = 0
  }
}

/** Our own delay histogram: under-pressure keeps only the mean, and a p99 is what shows a block. */
export function eventLoopDelayReader (): { read: () => number, stop: () => void } {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  return {
    read () {
      // Samples are whole intervals of the histogram's own timer: the resolution is not delay.
      const p99 = histogram.count === 0 ? 0 : Math.max(0, histogram.percentile(99) / 1e6 - RESOLUTION_MS)
      histogram.reset()
      return p99
    },
    stop () { histogram.disable() }
  }
}

/** Calls `sample(lateMs)` every `interval` ms on an unref'd timer; returns the function that stops it. */
export function startSampling (interval: number, sample: (lateMs: number) => void): () => void {
  let due = performance.now() + interval
  const timer = setTimeout(function tick () {
    const now = performance.now()
    const late = Math.max(0, now - due)
    due = now + interval
    timer.refresh()
    sample(late)
  }, interval)
  timer.unref()
  return () => { clearTimeout(timer) }
}
