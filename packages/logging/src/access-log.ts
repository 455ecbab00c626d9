import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

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

export type AccessLineWriter = (request: FastifyRequest, reply: FastifyReply) => void

/** Writes the access line of a completed request, unless its route says `accessLog: false`. */
export function accessLineWriter (queryKeys: ReadonlySet<string>): AccessLineWriter {
  const redactUrl = queryRedactor(queryKeys)
  return function writeAccessLine (request, reply) {
    const route = request.routeOptions
    if (route.config.accessLog === false) return
    const statusCode = reply.statusCode
    const line = {
      method: request.method,
      route: route.url,
      url: redactUrl(request.url),
      statusCode,
      // Microsecond precision is plenty and keeps the line short.
      responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
      contentLength: contentLength(reply.getHeader('content-length'))
    }
    if (statusCode >= 500) request.log.error(line, 'request completed')
    else request.log.info(line, 'request completed')
  }
}

/** The same as an onResponse hook, for a Fastify built without requestIdOptions(). */
export function accessLogHook (write: AccessLineWriter) {
  return function accessLog (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    write(request, reply)
    done()
  }
}
