import type { Server } from 'node:http'
import type { ResolvedServerTimeouts } from './options.js'

// Fastify's and Node's own defaults: a value that differs was set on purpose and is kept.
const FASTIFY_KEEP_ALIVE_TIMEOUT = 72_000
const FASTIFY_REQUEST_TIMEOUT = 0
const NODE_HEADERS_TIMEOUT = 60_000

export interface ConstructorTimeouts {
  keepAliveTimeout?: number
  requestTimeout?: number
}

export interface AppliedTimeouts {
  keepAliveTimeout: number
  headersTimeout: number
  requestTimeout: number
  /** Which of the three kept the value found on the server. */
  kept: string[]
}

/**
 * Sets keepAliveTimeout above load balancers' idle timeouts, headersTimeout above it and a bounded
 * requestTimeout. A plugin option always applies; otherwise a value the Fastify constructor (or
 * `http` options) set is kept, and only defaults are replaced.
 */
export function applyServerTimeouts (server: Server, initial: ConstructorTimeouts, options: ResolvedServerTimeouts): AppliedTimeouts {
  const kept: string[] = []
  const pick = (name: string, given: number | undefined, current: number, untouched: boolean, fallback: number): number => {
    if (given !== undefined) return given
    if (!untouched) {
      kept.push(name)
      return current
    }
    return fallback
  }
  const keepAliveTimeout = pick('keepAliveTimeout', options.keepAliveTimeout, server.keepAliveTimeout,
    [undefined, FASTIFY_KEEP_ALIVE_TIMEOUT].includes(initial.keepAliveTimeout), 72_000)
  const requestUntouched = [undefined, FASTIFY_REQUEST_TIMEOUT].includes(initial.requestTimeout)
  // A request timeout set on purpose also caps the headers default: Node wants headers <= request.
  const requestCap = options.requestTimeout ?? (requestUntouched ? 0 : server.requestTimeout)
  const headersDefault = requestCap > 0 ? Math.min(keepAliveTimeout + 1000, requestCap) : keepAliveTimeout + 1000
  const headersTimeout = pick('headersTimeout', options.headersTimeout, server.headersTimeout,
    server.headersTimeout === NODE_HEADERS_TIMEOUT, headersDefault)
  const requestTimeout = pick('requestTimeout', options.requestTimeout, server.requestTimeout,
    requestUntouched, Math.max(120_000, headersTimeout))
  server.keepAliveTimeout = keepAliveTimeout
  server.headersTimeout = headersTimeout
  server.requestTimeout = requestTimeout
  return { keepAliveTimeout, headersTimeout, requestTimeout, kept }
}
