import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { productionConfig, resetByClient, routeConfigReader } from '@fastify-production/core'
import { jsonString, type DirectLine } from './direct-line.js'
import type { TraceIds } from './trace.js'

const CENSOR = '[REDACTED]'

function queryKey (raw: string): string {
  const key = raw.toLowerCase()
  if (!key.includes('%')) return key
  try {
    return decodeURIComponent(key)
  } catch {
    return key
  }
}

function slowRedact (url: string, q: number, keys: ReadonlySet<string>): string {
  const pairs = url.slice(q + 1).split('&')
  let changed = false
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string
    const eq = pair.indexOf('=')
    if (eq === -1) continue
    const raw = pair.slice(0, eq)
    if (keys.has(queryKey(raw))) {
      pairs[i] = `${raw}=${CENSOR}`
      changed = true
    }
  }
  return changed ? `${url.slice(0, q + 1)}${pairs.join('&')}` : url
}

/**
 * A function returning the URL with the values of `keys` (lower-case) in its query replaced by
 * `[REDACTED]`. Most queries hold no such key: one regular expression test says so without
 * splitting the query (percent-encoded queries always take the full path).
 */
export function queryRedactor (keys: ReadonlySet<string>): (url: string) => string {
  const escaped = [...keys].map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const mayHold = new RegExp(`[?&](?:${escaped.join('|')})=`, 'i')
  return function redactUrl (url: string): string {
    const q = url.indexOf('?')
    if (q === -1) return url
    if (!mayHold.test(url) && url.indexOf('%', q) === -1) return url
    return slowRedact(url, q, keys)
  }
}

function contentLength (value: unknown): number | undefined {
  return value === undefined ? undefined : Number(value)
}

// As pino writes a number: a non-finite one is null.
function jsonNumber (value: number): string {
  return Number.isFinite(value) ? String(value) : 'null'
}

// Below it, the digits of `micros` with a point before the last three are exactly what String()
// writes for micros / 1000 (a test compares them); past it (11 days) String() is used.
const FAST_MICROS = 1e12

/**
 * `micros / 1000` as JSON writes it, for a whole number of microseconds: a double's shortest form
 * (String()) costs about ten times the integer's.
 */
export function jsonMillis (micros: number): string {
  if (!(micros >= 0 && micros < FAST_MICROS)) return jsonNumber(micros / 1000)
  const whole = Math.floor(micros / 1000)
  const frac = micros - whole * 1000
  if (frac === 0) return String(whole)
  if (frac % 100 === 0) return `${whole}.${frac / 100}`
  if (frac % 10 === 0) return `${whole}.${frac < 100 ? '0' : ''}${frac / 10}`
  return `${whole}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`
}

/** The keys of the access line, in order. */
export const ACCESS_LINE_KEYS: readonly string[] = Object.freeze(['trace_id', 'span_id', 'method', 'route', 'url', 'statusCode', 'responseTime', 'contentLength', 'aborted'])
export const ACCESS_LINE_MESSAGE = 'request completed'

export type AccessLineWriter = (request: FastifyRequest, reply: FastifyReply) => void

export interface AccessLog {
  /** Writes the access line of a finished request: from the LogController or an onResponse hook. */
  completed: AccessLineWriter
  /**
   * Called in onRequest: if the response closes before it finishes (the client went away, before
   * or during the answer), the access line is written then, with `aborted: true`.
   */
  watch: (reply: FastifyReply) => void
  /**
   * From now on the line carries `trace_id`/`span_id` from `idsOf(request)` as fields of its own
   * (used once the trace mixin puts each line's span on it: the access line's is the request's).
   */
  traceWith: (idsOf: (request: FastifyRequest) => TraceIds | undefined) => void
}

// On the raw response: the reply whose line is still to be written, null once it was.
type RawResponse = FastifyReply['raw'] & Record<symbol, FastifyReply | null | undefined>

/**
 * The access line of each request, written once: when the response finished, unless its route says
 * `production.accessLog: false`; straight to the destination when `direct` can (see direct-line.ts),
 * else through pino. Always at `info`: a 5xx from a thrown error already has its `error` line (the
 * error handler's, with the error), and a second error-level line for it would count every failure
 * twice. A response that closes without finishing gets the same line with `aborted: true`, the
 * status only if it was sent, and the time until the close. Fastify's onRequestAbort hook would miss
 * a request whose body was read (Node sets `req.aborted` only while the body is unread) and one
 * closed while its response was being written: the response's 'close' event sees both.
 */
export function accessLineWriter (queryKeys: ReadonlySet<string>, direct?: DirectLine): AccessLog {
  const redactUrl = queryRedactor(queryKeys)
  // One per writer: two writers on one app (a test's) each write their own line.
  const kPending = Symbol('fastify-production.logging.pending-access-line')
  let traceOf: ((request: FastifyRequest) => TraceIds | undefined) | undefined
  const routeConfig = routeConfigReader()

  function writeLine (request: FastifyRequest, reply: FastifyReply, aborted: boolean): void {
    const config = routeConfig(request)
    if (productionConfig(config)?.accessLog === false) return
    const sent = !aborted || reply.raw.headersSent
    const statusCode = sent ? reply.statusCode : undefined
    const route = config?.url
    const url = redactUrl(request.url)
    // Microsecond precision is plenty and keeps the line short.
    const micros = Math.round(reply.elapsedTime * 1000)
    const length = sent ? contentLength(reply.getHeader('content-length')) : undefined
    const ids = traceOf?.(request)
    if (direct !== undefined) {
      // Trace ids are lower-case hex (checked by the OpenTelemetry API or parseTraceparent()).
      const trace = ids === undefined ? '' : `,"trace_id":"${ids.traceId}","span_id":"${ids.spanId}"`
      const fields = `${trace},"method":${jsonString(request.method)}${route === undefined ? '' : `,"route":${jsonString(route)}`},"url":${jsonString(url)}${statusCode === undefined ? '' : `,"statusCode":${statusCode}`},"responseTime":${jsonMillis(micros)}${length === undefined ? '' : `,"contentLength":${jsonNumber(length)}`}${aborted ? ',"aborted":true' : ''}`
      if (direct(request.log, 'info', fields, traceOf !== undefined)) return
    }
    const fields = { method: request.method, route, url, statusCode, responseTime: micros / 1000, contentLength: length }
    // Both keys, undefined or not, so that they override the trace mixin's (the span active now).
    const line = traceOf === undefined ? fields : { trace_id: ids?.traceId, span_id: ids?.spanId, ...fields }
    request.log.info(aborted ? { ...line, aborted } : line, ACCESS_LINE_MESSAGE)
  }

  // Shared by every response: `this` is the response, no closure per request.
  function closed (this: RawResponse): void {
    const reply = this[kPending]
    if (reply == null || this.writableFinished) return
    this[kPending] = null
    writeLine(reply.request, reply, true)
  }

  return {
    completed (request, reply) {
      const res = reply.raw as RawResponse
      // Already written as aborted.
      if (res[kPending] === null) return
      res[kPending] = null
      writeLine(request, reply, resetByClient(request.raw))
    },
    traceWith (idsOf) {
      traceOf = idsOf
    },
    watch (reply) {
      const res = reply.raw as RawResponse
      res[kPending] = reply
      res.on('close', closed)
    }
  }
}

/** The same as an onResponse hook, for a Fastify built without requestIdOptions(). */
export function accessLogHook (write: AccessLineWriter) {
  return function accessLog (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    write(request, reply)
    done()
  }
}
