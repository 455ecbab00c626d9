import { performance } from 'node:perf_hooks'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { productionConfig, routeConfigReader, type CounterLike, type Problem, type ProblemWriter } from '@fastify-production/core'
import type { PressureReason } from './pressure.js'

/** Why a request was shed: a sampled pressure limit, or it waited `maxQueueDelay` behind other requests. */
export type ShedReason = PressureReason | 'queueDelay'

export const SHED_COUNTER = {
  name: 'http_requests_shed_total',
  help: 'Requests answered 503 by load shedding, by reason: the sampled limit exceeded, or queueDelay',
  labelNames: ['reason']
}

/**
 * How long every turn of the event loop must have gone over `maxQueueDelay`, back to back, before a
 * queue is standing rather than a burst (CoDel's interval: a burst drains within it).
 */
export const CONGESTION_INTERVAL_MS = 100
const LOG_EVERY_MS = 30_000
// Idle time (waiting for I/O with nothing ready) that shows the queue emptied; libuv accounts a few µs
// of idle even to a poll that returns at once.
const IDLE_MS = 1

const OVERLOADED: Problem = Object.freeze({ status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'The server is overloaded; retry later.' })

export interface ShedderOptions {
  problems: ProblemWriter
  retryAfter: number
  /** 0: no queue-delay shedding. */
  maxQueueDelay: number
  log: FastifyBaseLogger
}

/**
 * The per-request part of load shedding. Two triggers:
 * - a sampled limit (`reason`, precomputed by the sampling timer): one read per request;
 * - queue delay, per request: a request reached in the same turn of the event loop as earlier ones
 *   waited for them (and, before that, in the kernel's socket buffers, which no sampler sees). A turn
 *   starts at its first request and ends at the check phase (one `setImmediate` per turn). Once the
 *   turns have gone over `maxQueueDelay` back to back for `CONGESTION_INTERVAL_MS`, a request that
 *   finds its turn already older than `maxQueueDelay` is shed: served requests keep a bounded wait
 *   and the loop reaches new connections (probes) every turn. A turn within the limit, or the loop
 *   waiting idle for I/O (the queue emptied), ends the congestion.
 * Only when about to shed does it read the route's `config.production.loadShedding`; precomputing
 * that per route would not make the normal path cheaper, and 404s (no route) are shed too.
 */
export class Shedder {
  reason: PressureReason | null = null
  counter: CounterLike | undefined
  readonly hook: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void
  readonly #problems: ProblemWriter
  readonly #headers: Readonly<Record<string, string>>
  readonly #log: FastifyBaseLogger
  readonly #maxQueueDelay: number
  #queueShedSinceLine = 0
  #lastLineAt = -Infinity

  constructor (options: ShedderOptions) {
    this.#problems = options.problems
    this.#headers = Object.freeze({ 'retry-after': String(options.retryAfter) })
    this.#log = options.log
    const maxQueueDelay = this.#maxQueueDelay = options.maxQueueDelay
    const shedder = this
    const routeConfig = routeConfigReader()
    const exempt = (request: FastifyRequest): boolean => productionConfig(routeConfig(request))?.loadShedding === false

    if (maxQueueDelay === 0) {
      this.hook = function shedOnPressure (request, reply, done) {
        const reason = shedder.reason
        if (reason === null || exempt(request)) {
          done()
          return
        }
        shedder.shed(request, reply, reason)
      }
      return
    }

    // performance.now() of the current turn's first request; 0 between turns.
    let turnStart = 0
    // Start of the first over-long turn of an unbroken run of them; 0 when not congested.
    let congestedSince = 0
    // The loop's idle time (ms) when the last over-long turn ended: any idle since means the queue emptied.
    let idleAtTurnEnd = 0
    const endTurn = (): void => {
      if (performance.now() - turnStart <= maxQueueDelay) {
        congestedSince = 0
      } else {
        if (congestedSince === 0) congestedSince = turnStart
        idleAtTurnEnd = performance.eventLoopUtilization().idle
      }
      turnStart = 0
    }
    this.hook = function shedOnPressureOrQueue (request, reply, done) {
      const reason = shedder.reason
      if (reason !== null && !exempt(request)) {
        shedder.shed(request, reply, reason)
        return
      }
      const now = performance.now()
      if (turnStart === 0) {
        // Only an idle loop ends congestion, not time between turns: under a flood that time goes to
        // accepting and closing connections, which delays requests as much as requests do.
        if (congestedSince !== 0 && performance.eventLoopUtilization().idle - idleAtTurnEnd >= IDLE_MS) congestedSince = 0
        turnStart = now
        setImmediate(endTurn)
      } else if (now - turnStart > maxQueueDelay && congestedSince !== 0 && now - congestedSince >= CONGESTION_INTERVAL_MS && !exempt(request)) {
        shedder.#noteQueueShed(now)
        shedder.shed(request, reply, 'queueDelay')
        return
      }
      done()
    }
  }

  shed (request: FastifyRequest, reply: FastifyReply, reason: ShedReason): void {
    this.counter?.inc({ reason })
    this.#problems.send(request, reply, OVERLOADED, this.#headers)
  }

  /** Queue shedding comes and goes within a second under overload: one line per 30 s at most, with the count. */
  #noteQueueShed (now: number): void {
    this.#queueShedSinceLine++
    if (now - this.#lastLineAt < LOG_EVERY_MS) return
    this.#log.warn({ maxQueueDelay: this.#maxQueueDelay, shed: this.#queueShedSinceLine },
      `health: overloaded: shedding requests that waited more than ${this.#maxQueueDelay} ms behind others on the event loop`)
    this.#lastLineAt = now
    this.#queueShedSinceLine = 0
  }
}
