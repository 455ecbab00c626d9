import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { PressureReason } from './pressure.js'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** The part of the metrics package's counter this package uses (prom-client's `Counter#inc`). */
export interface ShedCounter {
  inc: (labels: { reason: string }) => void
}

/** The part of `fastify.metrics` this package uses, found with `hasDecorator('metrics')`. */
export interface MetricsLike {
  counter: (config: { name: string, help: string, labelNames: string[] }) => ShedCounter
}

export const SHED_COUNTER = {
  name: 'http_requests_shed_total',
  help: 'Requests answered 503 by load shedding, by the pressure limit exceeded',
  labelNames: ['reason']
}

/**
 * The per-request part of load shedding: normally one read of a value the sampling timer precomputed.
 * Only while under pressure does it look at the route's `config.loadShedding` (a getter that allocates).
 */
export class Shedder {
  reason: PressureReason | null = null
  counter: ShedCounter | undefined
  readonly #retryAfter: string

  constructor (retryAfter: number) {
    this.#retryAfter = String(retryAfter)
    const shedder = this
    this.hook = function shedOnPressure (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const reason = shedder.reason
      if (reason === null || request.routeOptions.config.loadShedding === false) {
        done()
        return
      }
      shedder.shed(request, reply, reason)
    }
  }

  readonly hook: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

  shed (request: FastifyRequest, reply: FastifyReply, reason: PressureReason): void {
    this.counter?.inc({ reason })
    const query = request.url.indexOf('?')
    const body = {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The server is overloaded; retry later.',
      instance: query === -1 ? request.url : request.url.slice(0, query),
      code: 'SERVICE_UNAVAILABLE',
      requestId: request.id
    }
    reply.code(503).header('retry-after', this.#retryAfter).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body))
  }
}
