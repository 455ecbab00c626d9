import { createRequire } from 'node:module'

export interface TraceIds {
  traceId: string
  spanId: string
}

// W3C Trace Context: version-traceid-parentid-flags, lower-case hex.
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}(?:-|$)/
const ZERO_TRACE = '0'.repeat(32)
const ZERO_SPAN = '0'.repeat(16)

/** The trace and parent span ids of a valid `traceparent` header, else undefined. */
export function parseTraceparent (value: unknown): TraceIds | undefined {
  if (typeof value !== 'string' || value.length < 55 || !TRACEPARENT.test(value)) return undefined
  const version = value.slice(0, 2)
  // Version ff is invalid; version 00 has exactly four fields. Later versions may append fields.
  if (version === 'ff' || (version === '00' && value.length !== 55)) return undefined
  const traceId = value.slice(3, 35)
  const spanId = value.slice(36, 52)
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined
  return { traceId, spanId }
}

interface OtelContext {
  setValue: (key: symbol, value: unknown) => OtelContext
  getValue: (key: symbol) => unknown
}

interface OtelSpan {
  spanContext: () => { traceId: string, spanId: string }
}

/** The part of @opentelemetry/api this package reads. */
export interface OpenTelemetryApi {
  trace: { getActiveSpan: () => OtelSpan | undefined, getSpan: (ctx: OtelContext) => OtelSpan | undefined }
  isSpanContextValid: (context: { traceId: string, spanId: string }) => boolean
  context: { with: <T>(ctx: OtelContext, fn: () => T) => T, active: () => OtelContext }
  createContextKey: (description: string) => symbol
  ROOT_CONTEXT: OtelContext
}

/**
 * Whether an OpenTelemetry SDK registered a context manager: without one no span is ever active,
 * and asking for it on every request is wasted work (@opentelemetry/api is a common transitive
 * dependency). The no-op manager does not carry values through `with()`; a real one does.
 */
export function hasContextManager (otel: OpenTelemetryApi): boolean {
  const key = otel.createContextKey('@fastify-production/logging probe')
  return otel.context.with(otel.ROOT_CONTEXT.setValue(key, true), () => otel.context.active().getValue(key)) === true
}

const require = createRequire(import.meta.url)

/** @opentelemetry/api when installed (optional peer), else undefined. An install that fails to load throws. */
export async function loadOpenTelemetry (specifier = '@opentelemetry/api'): Promise<OpenTelemetryApi | undefined> {
  try {
    require.resolve(specifier)
  } catch {
    return undefined
  }
  return await import(specifier) as OpenTelemetryApi
}

function idsOf (otel: OpenTelemetryApi, span: OtelSpan | undefined): TraceIds | undefined {
  if (span === undefined) return undefined
  const context = span.spanContext()
  return otel.isSpanContextValid(context) ? { traceId: context.traceId, spanId: context.spanId } : undefined
}

/** The ids of the span active now, if it is a valid one. */
export function activeIds (otel: OpenTelemetryApi): TraceIds | undefined {
  return idsOf(otel, otel.trace.getActiveSpan())
}

/** The active OpenTelemetry span's ids when there is one, else those of the `traceparent` header. */
export function traceIds (otel: OpenTelemetryApi | undefined, traceparent: unknown): TraceIds | undefined {
  const active = otel === undefined ? undefined : activeIds(otel)
  if (active !== undefined) return active
  return traceparent === undefined ? undefined : parseTraceparent(traceparent)
}

interface FastifyOtelRequest {
  opentelemetry?: () => { context?: OtelContext | null }
}

/**
 * The request span of @fastify/otel (its `request.opentelemetry()` decorator keeps the request's
 * context after the span ended), else undefined: its route-disabled and ignored requests have none.
 */
export function fastifyOtelRequestIds (otel: OpenTelemetryApi, request: object): TraceIds | undefined {
  const read = (request as FastifyOtelRequest).opentelemetry
  if (typeof read !== 'function') return undefined
  const ctx = read.call(request).context
  return ctx == null ? undefined : idsOf(otel, otel.trace.getSpan(ctx))
}

type Mixin = (obj: object, level: number, logger: object) => object

/** Marks the mixin installed by traceMixin(): the direct access line knows what it adds. */
export const kTraceMixin = Symbol.for('fastify-production.logging.trace-mixin')

/**
 * Installs on the pino logger `root` (and so on every child, existing or to come: pino children
 * inherit from their parent) a mixin that puts `trace_id`/`span_id` on each line from the span
 * active when the line is written, else from `fallback()` (the current request's ids). A mixin of
 * the user's is kept: its fields come first. Returns false when `root` is no pino logger.
 */
export function installTraceMixin (root: object, otel: OpenTelemetryApi, fallback: () => TraceIds | undefined): boolean {
  let kMixin: symbol | undefined
  for (let o: object | null = root; o !== null && kMixin === undefined; o = Object.getPrototypeOf(o) as object | null) {
    kMixin = Object.getOwnPropertySymbols(o).find((s) => s.description === 'pino.mixin')
  }
  if (kMixin === undefined) return false
  const r = root as Record<symbol, Mixin | undefined>
  const previous = r[kMixin]
  if (previous?.[kTraceMixin as keyof Mixin] !== undefined) return true
  function fields (): object {
    const ids = activeIds(otel) ?? fallback()
    // A fresh object each time: pino's default merge writes the line's own fields into it.
    return ids === undefined ? {} : { trace_id: ids.traceId, span_id: ids.spanId }
  }
  const mixin: Mixin = previous === undefined
    ? fields
    : function traceFields (obj, level, logger) { return { ...previous(obj, level, logger), ...fields() } }
  Object.defineProperty(mixin, kTraceMixin, { value: previous === undefined ? 'alone' : 'wrapping' })
  r[kMixin] = mixin
  return true
}
