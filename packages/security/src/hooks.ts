import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler, onSendHookHandler } from 'fastify'
import type { ProblemWriter } from '@fastify-production/core'
import { isAllowedOrigin, type ResolvedCors } from './cors.js'
import type { RateLimiter } from './rate-limit.js'
import type { RouteState } from './route-config.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const ORIGIN_REFUSED = { status: 403, code: 'FORBIDDEN', detail: 'This origin may not make this request.' } as const

type Stash = Record<symbol, RouteState | null>

/** The state of the request's route: set by onRoute, else resolved from its config on first use. */
export type StateOf = (request: FastifyRequest) => RouteState

/**
 * Preflights, strict CORS refusals and the rate limit, before routing work and body parsing.
 * Preflights are answered here so that they work for any path and do not count against the limit.
 */
export function buildOnRequest (cors: ResolvedCors | undefined, limiter: RateLimiter | undefined, stateOf: StateOf, kStash: symbol, writer: ProblemWriter): onRequestHookHandler {
  return function securityOnRequest (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    if (cors !== undefined) {
      const origin = request.headers.origin
      const method = request.raw.method as string
      if (method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
        if (origin !== undefined && isAllowedOrigin(cors, origin)) {
          reply.header('access-control-allow-methods', cors.allowMethods)
            .header('access-control-allow-headers', cors.allowHeaders)
            .header('access-control-max-age', cors.maxAge)
        }
        reply.code(204).send()
        return
      }
      if (cors.strict && origin !== undefined && !SAFE_METHODS.has(method) && !isAllowedOrigin(cors, origin)) {
        writer.send(request, reply, ORIGIN_REFUSED)
        return
      }
    }
    // routeOptions builds an object per read: read it once, and leave the result for onSend.
    const state = stateOf(request)
    ;(request as unknown as Stash)[kStash] = state
    const route = state.limiter
    if (limiter === undefined || route === undefined) {
      done()
      return
    }
    limiter.check(request, reply, route, done)
  }
}

/**
 * Security and CORS headers on every reply Fastify sends through its lifecycle: handlers, errors,
 * 404s, and replies that earlier onRequest hooks (rate limit, load shedding) sent. A header the
 * route already set wins.
 */
export function buildOnSend (cors: ResolvedCors | undefined, stateOf: StateOf, kStash: symbol | undefined): onSendHookHandler {
  return function securityOnSend (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: Error | null, payload?: unknown) => void): void {
    // No stash when an earlier onRequest hook answered (load shedding) or there is no onRequest hook.
    const list = ((kStash === undefined ? null : (request as unknown as Stash)[kStash]) ?? stateOf(request)).headers
    if (list !== undefined) {
      for (let i = 0; i < list.length; i += 2) {
        const name = list[i] as string
        if (reply.getHeader(name) === undefined) reply.header(name, list[i + 1])
      }
    }
    if (cors !== undefined) {
      const vary = reply.getHeader('vary')
      if (vary === undefined) {
        reply.header('vary', 'Origin')
      } else if (!/(?:^|,)\s*(?:origin|\*)\s*(?:,|$)/i.test(String(vary))) {
        reply.header('vary', `${String(vary)}, Origin`)
      }
      const origin = request.headers.origin
      if (origin !== undefined && isAllowedOrigin(cors, origin)) {
        reply.header('access-control-allow-origin', cors.any ? '*' : origin)
        if (cors.credentials) reply.header('access-control-allow-credentials', 'true')
        if (cors.exposeHeaders !== undefined) reply.header('access-control-expose-headers', cors.exposeHeaders)
      }
    }
    done(null, payload)
  }
}
