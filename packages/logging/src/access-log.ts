import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { productionConfig, resetByClient } from '@fastify-production/core'
import { jsonString, type DirectLine } from './direct-line.js'

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

/** The keys of the access line, in order. */
export const ACCESS_LINE_KEYS: readonly string[] = Object.freeze(['method', 'route', 'url', 'statusCode', 'responseTime', 'contentLength', 'aborted'])
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

  function writeLine (request: FastifyRequest, reply: FastifyReply, aborted: boolean): void {
    const config = request.routeOptions.config
    if (productionConfig(config)?.accessLog === false) return
    const sent = !aborted || reply.raw.headersSent
    const statusCode = sent ? reply.statusCode : undefined
    const route = config?.url
    const url = redactUrl(request.url)
    // Microsecond precision is plenty and keeps the line short.
    const responseTime = Math.round(reply.elapsedTime * 1000) / 1000
    const length = sent ? contentLength(reply.getHeader('content-length')) : undefined
    if (direct !== undefined) {
      const fields = `,"method":${jsonString(request.method)}${route === undefined ? '' : `,"route":${jsonString(route)}`},"url":${jsonString(url)}${statusCode === undefined ? '' : `,"statusCode":${statusCode}`},"responseTime":${jsonNumber(responseTime)}${length === undefined ? '' : `,"contentLength":${jsonNumber(length)}`}${aborted ? ',"aborted":true' : ''}`
      if (direct(request.log, 'info', fields)) return
    }
    const line = { method: request.method, route, url, statusCode, responseTime, contentLength: length }
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
