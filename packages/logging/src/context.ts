import { AsyncLocalStorage } from 'node:async_hooks'
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { codes } from './errors.js'
import { activeIds, fastifyOtelRequestIds, type OpenTelemetryApi, type TraceIds } from './trace.js'

// The store is the reply: it reaches the request (reply.request) and both their `log` properties.
const storage = new AsyncLocalStorage<FastifyReply>()

// Root loggers of the apps that registered the plugin, newest last: getLogger() outside a request.
const roots: FastifyBaseLogger[] = []

/** Per-request state of this package, only when there is some (trace ids, user fields). */
export const kLogState = Symbol('fastify-production.logging.state')

export interface LogState {
  /** From `traceparent` or the span active when the request began. */
  trace: TraceIds | undefined
  /** Set when lines read their span when written (the trace mixin): the API to read it with. */
  otel?: OpenTelemetryApi | undefined
  /** The request logger before the first requestContext().set(). */
  base: FastifyBaseLogger | undefined
  fields: Record<string, unknown>
}

declare module 'fastify' {
  interface FastifyRequest {
    [kLogState]?: LogState | null
  }
}

/**
 * The request's own trace ids: @fastify/otel's request span when there is one, else the span that
 * was active or the `traceparent` received when the request began.
 */
export function requestTraceIds (request: FastifyRequest): TraceIds | undefined {
  const state = request[kLogState]
  if (state?.otel === undefined) return state?.trace
  return fastifyOtelRequestIds(state.otel, request) ?? state.trace
}

/** The trace ids of the current request (the trace mixin's fallback when no span is active). */
export function currentRequestTraceIds (): TraceIds | undefined {
  const reply = storage.getStore()
  return reply === undefined ? undefined : requestTraceIds(reply.request)
}

// What a line written now carries: the active span, else the request's ids.
function idsNow (request: FastifyRequest): TraceIds | undefined {
  const otel = request[kLogState]?.otel
  return (otel === undefined ? undefined : activeIds(otel)) ?? requestTraceIds(request)
}

export function runInRequest (reply: FastifyReply, fn: () => void): void {
  storage.run(reply, fn)
}

export function addRoot (log: FastifyBaseLogger): () => void {
  roots.push(log)
  return () => {
    const i = roots.lastIndexOf(log)
    if (i !== -1) roots.splice(i, 1)
  }
}

/**
 * The current request's logger (request id, trace ids and context fields on every line) from anywhere
 * in the request's async call chain; the app's root logger outside a request.
 */
export function getLogger (): FastifyBaseLogger {
  const reply = storage.getStore()
  if (reply !== undefined) return reply.log
  const root = roots.at(-1)
  if (root === undefined) throw new codes.FP_ERR_LOGGING_NOT_REGISTERED()
  return root
}

/** The request seen from the service layer: its id, trace ids, and fields added to its log lines. */
export interface RequestContext {
  readonly requestId: string
  /**
   * What a line logged now carries: the OpenTelemetry span active now (e.g. the handler's span with
   * @fastify/otel), else the request's span, else the `traceparent` header's.
   */
  readonly traceId: string | undefined
  readonly spanId: string | undefined
  /** Fields set so far with set(). */
  readonly fields: Readonly<Record<string, unknown>>
  /** Adds fields (e.g. `{ userId }`) to every later log line of this request, the access line included. */
  set: (fields: Record<string, unknown>) => void
  get: (key: string) => unknown
}

const NO_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({})

class RequestContextView implements RequestContext {
  readonly #reply: FastifyReply

  constructor (reply: FastifyReply) {
    this.#reply = reply
  }

  get requestId (): string {
    return this.#reply.request.id
  }

  get traceId (): string | undefined {
    return idsNow(this.#reply.request)?.traceId
  }

  get spanId (): string | undefined {
    return idsNow(this.#reply.request)?.spanId
  }

  get fields (): Readonly<Record<string, unknown>> {
    return this.#reply.request[kLogState]?.fields ?? NO_FIELDS
  }

  get (key: string): unknown {
    return this.#reply.request[kLogState]?.fields[key]
  }

  set (fields: Record<string, unknown>): void {
    const reply = this.#reply
    const request = reply.request
    const state = request[kLogState] ??= { trace: undefined, base: undefined, fields: {} }
    state.base ??= reply.log
    state.fields = { ...state.fields, ...fields }
    // A fresh child of the base logger each time: a field set twice appears once on a line.
    const log = state.base.child(state.fields)
    request.log = log
    reply.log = log
  }
}

/** The current request's context, or undefined outside a request. */
export function requestContext (): RequestContext | undefined {
  const reply = storage.getStore()
  return reply === undefined ? undefined : new RequestContextView(reply)
}
