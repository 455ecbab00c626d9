import { channel } from 'node:diagnostics_channel'
import type { FastifyBaseLogger } from 'fastify'
import type { ProcessSample } from '@fastify-production/core'
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

/** One interval of the process as the limits see it (from core's process monitor). */
export interface PressureReading {
  /** Epoch ms when the sample was taken. */
  at: number
  /** Event-loop delay p99 of the interval, or how late the sampler itself ran if larger, in ms. */
  eventLoopDelayMs: number
  eventLoopUtilization: number
  heapUsedBytes: number
  rssBytes: number
}

/** The sampler's lateness counts as delay: a block that spans the sample shows there first. */
export function readingOf (sample: ProcessSample): PressureReading {
  return {
    at: sample.at,
    eventLoopDelayMs: Math.max(sample.delay.p99, sample.lateMs),
    eventLoopUtilization: sample.eventLoopUtilization,
    heapUsedBytes: sample.heapUsedBytes,
    rssBytes: sample.rssBytes
  }
}

/** diagnostics_channel name; a message (the new `PressureState`) is published each time pressure starts or ends. */
export const PRESSURE_CHANNEL = 'fastify-production.health.pressure'

const WARN_EVERY_MS = 30_000

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
  onChange: (state: PressureState) => void
}

/** Turns one interval's readings into a `PressureState`, logs what an operator must see, reports changes. */
export class PressureMonitor {
  state: PressureState = INITIAL_PRESSURE
  readonly #options: PressureMonitorOptions
  #lastWarnAt = -Infinity
  #suppressedWarnings = 0

  constructor (options: PressureMonitorOptions) {
    this.#options = options
  }

  sample (reading: PressureReading): void {
    const { limits, log } = this.#options
    const delay = Math.round(reading.eventLoopDelayMs)
    let reason: PressureReason | null = null
    let value = 0
    let limit = 0
    if (limits.maxEventLoopDelay > 0 && delay > limits.maxEventLoopDelay) {
      reason = 'eventLoopDelay'; value = delay; limit = limits.maxEventLoopDelay
    } else if (limits.maxHeapUsedBytes > 0 && reading.heapUsedBytes > limits.maxHeapUsedBytes) {
      reason = 'heapUsedBytes'; value = reading.heapUsedBytes; limit = limits.maxHeapUsedBytes
    } else if (limits.maxRssBytes > 0 && reading.rssBytes > limits.maxRssBytes) {
      reason = 'rssBytes'; value = reading.rssBytes; limit = limits.maxRssBytes
    } else if (limits.maxEventLoopUtilization > 0 && reading.eventLoopUtilization > limits.maxEventLoopUtilization) {
      reason = 'eventLoopUtilization'; value = reading.eventLoopUtilization; limit = limits.maxEventLoopUtilization
    }
    const now = reading.at
    const previous = this.state
    this.state = Object.freeze({
      underPressure: reason !== null,
      reason,
      eventLoopDelayMs: delay,
      eventLoopUtilization: reading.eventLoopUtilization,
      heapUsedBytes: reading.heapUsedBytes,
      rssBytes: reading.rssBytes,
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
