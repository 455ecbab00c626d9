import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyRequest, RouteOptions } from 'fastify'
import { codes } from './errors.js'
import { buildOnRequest, buildOnSend } from './hooks.js'
import { resolveOptions, type RedisClient, type SecurityOptions } from './options.js'
import { RateLimiter, type MetricsLike } from './rate-limit.js'
import { connectRedis, type OwnedRedis } from './redis-connection.js'
import { kRouteState, routeState, type RouteRateLimit, type RouteSecurity, type RouteState } from './route-config.js'
import { ThrottledWarn } from './throttled-warn.js'
import { trustsEveryProxy } from './trust-proxy.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: not limited; a tier name (`'strict'`); or this route's own `{ max, timeWindow }`. @default the global limit */
    rateLimit?: RouteRateLimit
    /** `headers: 'page'` for HTML routes, `false` for none. @default { headers: 'api' } */
    security?: RouteSecurity
  }
}

const securityPlugin: FastifyPluginAsync<SecurityOptions> = async function security (fastify, options) {
  const resolved = resolveOptions(options)
  const { headers, cors, rateLimit } = resolved
  if (rateLimit !== undefined && process.env.NODE_ENV === 'production' && trustsEveryProxy(fastify)) {
    throw new codes.FP_ERR_SECURITY_TRUST_PROXY()
  }

  let limiter: RateLimiter | undefined
  let owned: OwnedRedis | undefined
  if (rateLimit !== undefined) {
    const warning = new ThrottledWarn(fastify.log)
    const redis = rateLimit.redis
    if (typeof redis === 'string') owned = await connectRedis(redis, (err, msg) => { warning.warn(err, msg) })
    limiter = new RateLimiter(rateLimit, warning, owned === undefined ? redis as RedisClient | undefined : owned.client)
    fastify.addHook('onReady', async function securityMetrics () {
      if (fastify.hasDecorator('metrics')) limiter?.useMetrics((fastify as unknown as { metrics: MetricsLike }).metrics)
    })
  }
  fastify.addHook('onClose', async function securityClose () {
    limiter?.close()
    owned?.close()
  })

  const fallback: RouteState = { headers: headers?.api, limiter: rateLimit?.applyGlobal === true ? limiter?.global : undefined }
  // Every route declared from here on carries its state: the request path reads it, nothing more.
  fastify.addHook('onRoute', function securityRoute (route) {
    route.config = { ...route.config, [kRouteState]: routeState(route, headers, limiter) ?? fallback } as typeof route.config
  })
  // Routes declared before this plugin (the umbrella registers health and metrics first, whose
  // probes say rateLimit: false) never passed through onRoute: resolve their config on first use.
  const late = new WeakMap<object, RouteState>()
  const stateOf = (request: FastifyRequest): RouteState => {
    // routeOptions builds an object per read: read it once.
    const config = request.routeOptions.config as unknown as Record<symbol, RouteState | undefined>
    const seen = config[kRouteState]
    if (seen !== undefined) return seen
    let state = late.get(config)
    if (state === undefined) {
      const route = { method: request.routeOptions.method, url: request.routeOptions.url, config } as unknown as RouteOptions
      state = routeState(route, headers, limiter) ?? fallback
      late.set(config, state)
    }
    return state
  }
  let kStash: symbol | undefined
  if (cors !== undefined || limiter !== undefined) {
    kStash = Symbol('fastify-production.security.state')
    fastify.decorateRequest(kStash, null)
    fastify.addHook('onRequest', buildOnRequest(cors, limiter, stateOf, kStash))
  }
  if (cors !== undefined || headers !== undefined) fastify.addHook('onSend', buildOnSend(cors, stateOf, kStash))
}

/** Security headers, CORS and rate limiting: safe by default, precomputed at registration. */
export const security = fp(securityPlugin, { fastify: '5.x', name: '@fastify-production/security' })
export default security

export type {
  SecurityOptions,
  HeadersOptions,
  CorsOptions,
  RateLimitOptions,
  RateLimitTier,
  RedisClient,
  StorePolicy,
  TimeWindow
} from './options.js'
export type { RouteRateLimit, RouteSecurity } from './route-config.js'
export type { MetricsLike, CounterLike } from './rate-limit.js'
export { clientKey } from './client-key.js'
export { clientErrorHandler, frameworkErrorHandler, type ClientErrorHandler, type FrameworkErrorHandler } from './low-level-errors.js'
export { PROBLEM_CONTENT_TYPE } from './problem.js'
export { codes }
