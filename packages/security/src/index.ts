import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest, RouteOptions } from 'fastify'
import { MetricsCap, find, lifecycle, problems, trustsEveryProxy } from '@fastify-production/core'
import { codes } from './errors.js'
import { foreignPlugins, leftToOthersLine, refuseExplicitConflicts, refuseLateConflicts, RATE_LIMIT } from './foreign-plugins.js'
import { buildOnRequest, buildOnSend } from './hooks.js'
import { resolveOptions, type RedisClient, type SecurityOptions } from './options.js'
import { RateLimiter } from './rate-limit.js'
import { connectRedis, type OwnedRedis } from './redis-connection.js'
import { checkForeignRateLimit, inputGuardFor, kRouteState, routeState, type RouteState } from './route-config.js'
import { buildInputGuard, guardPlan } from './input-guard.js'
import { ThrottledWarn } from './throttled-warn.js'

const securityPlugin: FastifyPluginAsync<SecurityOptions> = async function security (fastify, options) {
  const before = foreignPlugins(fastify)
  const resolved = resolveOptions(options, { headers: before.helmet, rateLimit: before.rateLimit })
  refuseExplicitConflicts(before, resolved.given)
  const { headers, cors, rateLimit, inputGuard } = resolved
  if (rateLimit !== undefined && process.env.NODE_ENV === 'production' && trustsEveryProxy(fastify)) {
    throw new codes.FP_ERR_SECURITY_TRUST_PROXY()
  }
  const writer = problems(fastify)

  let limiter: RateLimiter | undefined
  let owned: OwnedRedis | undefined
  if (rateLimit !== undefined) {
    const warning = new ThrottledWarn(fastify.log)
    const redis = rateLimit.redis
    if (typeof redis === 'string') owned = await connectRedis(redis, (err, msg) => { warning.warn(err, msg) })
    limiter = new RateLimiter(rateLimit, warning, owned === undefined ? redis as RedisClient | undefined : owned.client, writer)
  }
  // Slowed-down requests wait on timers: they go on as soon as a shutdown starts (draining, or a
  // close without drain), so no drain waits for a delay and no delay outlives the server.
  const delays = limiter?.delays
  const stopDelays = delays === undefined
    ? undefined
    : lifecycle(fastify).on((state) => { if (state !== 'ready') delays.end() })
  const leftLine = leftToOthersLine(before)
  fastify.addHook('onReady', async function securityReady () {
    refuseLateConflicts(foreignPlugins(fastify), { headers: headers !== undefined, cors: cors !== undefined, rateLimit: limiter !== undefined })
    if (leftLine !== undefined) fastify.log.info(leftLine)
    const metrics = find(fastify, MetricsCap)
    if (metrics !== undefined) limiter?.useMetrics(metrics)
  })
  fastify.addHook('onClose', async function securityClose () {
    stopDelays?.()
    limiter?.close()
    owned?.close()
  })

  const fallback: RouteState = { headers: headers?.api, limiter: rateLimit?.applyGlobal === true ? limiter?.global : undefined }
  // Every route declared from here on carries its state: the request path reads it, nothing more.
  fastify.addHook('onRoute', function securityRoute (this: FastifyInstance, route) {
    checkForeignRateLimit(route, this.hasPlugin(RATE_LIMIT))
    route.config = { ...route.config, [kRouteState]: routeState(route, headers, limiter) ?? fallback } as typeof route.config
    // Only routes whose input can carry keys the client chose get the hook; the rest pay nothing.
    const plan = guardPlan(route, inputGuardFor(route, inputGuard))
    if (plan !== undefined) {
      const own = route.preValidation
      route.preValidation = [...(own === undefined ? [] : Array.isArray(own) ? own : [own]), buildInputGuard(plan, writer)]
    }
  })
  // Routes declared before this plugin (the umbrella registers health and metrics first, whose
  // probes say production.rateLimit: false) never passed through onRoute: resolve their config on first use.
  const late = new WeakMap<object, RouteState>()
  const stateOf = (request: FastifyRequest): RouteState => {
    // routeOptions builds an object per read: read it once.
    const config = request.routeOptions.config as unknown as Record<symbol, RouteState | undefined>
    const seen = config[kRouteState]
    if (seen !== undefined) return seen
    let state = late.get(config)
    if (state === undefined) {
      const route = { method: request.routeOptions.method, url: request.routeOptions.url, config } as unknown as RouteOptions
      checkForeignRateLimit(route, request.server.hasPlugin(RATE_LIMIT))
      state = routeState(route, headers, limiter) ?? fallback
      late.set(config, state)
    }
    return state
  }
  let kStash: symbol | undefined
  if (cors !== undefined || limiter !== undefined) {
    kStash = Symbol('fastify-production.security.state')
    fastify.decorateRequest(kStash, null)
    fastify.addHook('onRequest', buildOnRequest(cors, limiter, stateOf, kStash, writer))
  }
  if (cors !== undefined || headers !== undefined) fastify.addHook('onSend', buildOnSend(cors, stateOf, kStash))
}

/** Security headers, CORS and rate limiting: safe by default, precomputed at registration. */
export const security = fp(securityPlugin, { fastify: '5.x', name: '@fastify-production/security' })
export default security

export type {
  SecurityOptions,
  InputGuardOptions,
  HeadersOptions,
  CorsOptions,
  RateLimitOptions,
  RateLimitTier,
  RedisClient,
  StorePolicy,
  TimeWindow
} from './options.js'
export { clientKey } from './client-key.js'
export { clientErrorHandler, frameworkErrorHandler, serverResponse, type ClientErrorHandler, type FrameworkErrorHandler } from './low-level-errors.js'
export { PROBLEM_CONTENT_TYPE, type ProductionRouteConfig } from '@fastify-production/core'
export { codes }
