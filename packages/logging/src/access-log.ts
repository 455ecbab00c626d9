import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { productionConfig } from '@fastify-production/core'
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
export const ACCESS_LINE_KEYS: readonly string[] = Object.freeze(['method', 'route', 'url', 'statusCode', 'responseTime', 'contentLength'])
export const ACCESS_LINE_MESSAGE = 'request completed'

export type AccessLineWriter = (request: FastifyRequest, reply: FastifyReply) => void

/**
 * Writes the access line of a completed request, unless its route says `production.accessLog: false`:
 * straight to the destination when `direct` can (see direct-line.ts), else through pino. Always at
 * `info`: a 5xx from a thrown error already has its `error` line (the error handler's, with the
 * error), and a second error-level line for it would count every failure twice.
 */
export function accessLineWriter (queryKeys: ReadonlySet<string>, direct?: DirectLine): AccessLineWriter {
  const redactUrl = queryRedactor(queryKeys)
  return function writeAccessLine (request, reply) {
    const config = request.routeOptions.config
    if (productionConfig(config)?.accessLog === false) return
    const statusCode = reply.statusCode
    const route = config?.url
    const url = redactUrl(request.url)
    // Microsecond precision is plenty and keeps the line short.
    const responseTime = Math.round(reply.elapsedTime * 1000) / 1000
    const length = contentLength(reply.getHeader('content-length'))
    if (direct !== undefined) {
      const fields = `,"method":${jsonString(request.method)}${route === undefined ? '' : `,"route":${jsonString(route)}`},"url":${jsonString(url)},"statusCode":${statusCode},"responseTime":${jsonNumber(responseTime)}${length === undefined ? '' : `,"contentLength":${jsonNumber(length)}`}`
      if (direct(request.log, 'info', fields)) return
    }
    request.log.info({ method: request.method, route, url, statusCode, responseTime, contentLength: length }, ACCESS_LINE_MESSAGE)
  }
}

/** The same as an onResponse hook, for a Fastify built without requestIdOptions(). */
export function accessLogHook (write: AccessLineWriter) {
  return function accessLog (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    write(request, reply)
    done()
  }
}
