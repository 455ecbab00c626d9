import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { productionConfig, type CounterLike, type Problem, type ProblemWriter } from '@fastify-production/core'
import type { PressureReason } from './pressure.js'

export const SHED_COUNTER = {
  name: 'http_requests_shed_total',
  help: 'Requests answered 503 by load shedding, by the pressure limit exceeded',
  labelNames: ['reason']
}

const OVERLOADED: Problem = Object.freeze({ status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'The server is overloaded; retry later.' })

/**
 * The per-request part of load shedding: normally one read of a value the sampling timer precomputed.
 * Only while under pressure does it look at the route's `config.production.loadShedding`; precomputing
 * that per route would not make the normal path cheaper, and 404s (no route) are shed too.
 */
export class Shedder {
  reason: PressureReason | null = null
  counter: CounterLike | undefined
  readonly #problems: ProblemWriter
  readonly #headers: Readonly<Record<string, string>>

  constructor (problems: ProblemWriter, retryAfter: number) {
    this.#problems = problems
    this.#headers = Object.freeze({ 'retry-after': String(retryAfter) })
    const shedder = this
    this.hook = function shedOnPressure (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const reason = shedder.reason
      if (reason === null || productionConfig(request.routeOptions.config)?.loadShedding === false) {
        done()
        return
      }
      shedder.shed(request, reply, reason)
    }
  }

  readonly hook: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

  shed (request: FastifyRequest, reply: FastifyReply, reason: PressureReason): void {
    this.counter?.inc({ reason })
    this.#problems.send(request, reply, OVERLOADED, this.#headers)
  }
}
