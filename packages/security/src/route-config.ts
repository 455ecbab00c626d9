import type { RouteOptions } from 'fastify'
import { codes } from './errors.js'
import type { HeaderList, HeaderSets } from './headers.js'
import type { Limiter, RateLimiter } from './rate-limit.js'
import { parseTimeWindow } from './time-window.js'

/** What one route gets, computed once when the route is added. */
export interface RouteState {
  headers: HeaderList | undefined
  limiter: Limiter | undefined
}

export const kRouteState = Symbol('fastify-production.security.route')

export type RouteRateLimit = false | string | { max: number, timeWindow: number | string }

export interface RouteSecurity {
  headers?: 'api' | 'page' | false
}

function routeName (route: RouteOptions): string {
  return `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`
}

function headersFor (route: RouteOptions, sets: HeaderSets | undefined, security: unknown): HeaderList | undefined {
  if (security === undefined) return sets?.api
  const choice = (security as RouteSecurity | null)?.headers
  if (typeof security !== 'object' || security === null || !(choice === undefined || choice === 'api' || choice === 'page' || choice === false)) {
    throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), "config.security must be { headers?: 'api' | 'page' | false }")
  }
  if (choice === false || sets === undefined) return undefined
  return choice === 'page' ? sets.page : sets.api
}

function limiterFor (route: RouteOptions, limiter: RateLimiter | undefined, rateLimit: unknown): Limiter | undefined {
  if (limiter === undefined) return undefined
  if (rateLimit === undefined) return limiter.options.applyGlobal ? limiter.global : undefined
  if (rateLimit === false) return undefined
  if (typeof rateLimit === 'string') {
    const tier = limiter.tier(rateLimit)
    if (tier === undefined) {
      throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), `config.rateLimit names the tier "${rateLimit}", which rateLimit.tiers does not define`)
    }
    return tier
  }
  const spec = rateLimit as { max?: unknown, timeWindow?: unknown } | null
  const max = spec?.max
  const windowMs = typeof spec?.timeWindow === 'number' || typeof spec?.timeWindow === 'string' ? parseTimeWindow(spec.timeWindow) : undefined
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || windowMs === undefined) {
    throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), "config.rateLimit must be false, a tier name, or { max: integer >= 1, timeWindow: ms or '1 minute' }")
  }
  return limiter.forRoute(route.url, routeName(route), spec as object, max, windowMs)
}

/** The state of a route, or undefined when the plugin's defaults apply to it. */
export function routeState (route: RouteOptions, sets: HeaderSets | undefined, limiter: RateLimiter | undefined): RouteState | undefined {
  const config = route.config as Record<string, unknown> | undefined
  const security = config?.security
  const rateLimit = config?.rateLimit
  if (security === undefined && rateLimit === undefined) return undefined
  return { headers: headersFor(route, sets, security), limiter: limiterFor(route, limiter, rateLimit) }
}
