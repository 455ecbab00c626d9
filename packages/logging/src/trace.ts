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

/** The part of @opentelemetry/api this package reads. */
export interface OpenTelemetryApi {
  trace: { getActiveSpan: () => { spanContext: () => { traceId: string, spanId: string } } | undefined }
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

/** The active OpenTelemetry span's ids when there is one, else those of the `traceparent` header. */
export function traceIds (otel: OpenTelemetryApi | undefined, traceparent: unknown): TraceIds | undefined {
  if (otel !== undefined) {
    const span = otel.trace.getActiveSpan()
    if (span !== undefined) {
      const context = span.spanContext()
      if (otel.isSpanContextValid(context)) return { traceId: context.traceId, spanId: context.spanId }
    }
  }
  return traceparent === undefined ? undefined : parseTraceparent(traceparent)
}
