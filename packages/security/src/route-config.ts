import type { RouteOptions } from 'fastify'
import { productionConfig } from '@fastify-production/core'
import { codes } from './errors.js'
import type { HeaderList, HeaderSets } from './headers.js'
import type { Limiter, RateLimiter } from './rate-limit.js'
import { parseTimeWindow } from './time-window.js'
import { resolveDelay } from './slow-down.js'
import type { ResolvedInputGuard } from './options.js'

/** What one route gets, computed once when the route is added. */
export interface RouteState {
  headers: HeaderList | undefined
  limiter: Limiter | undefined
}

export const kRouteState = Symbol('fastify-production.security.route')

export function routeName (route: RouteOptions): string {
  return `${Array.isArray(route.method) ? route.method.join(',') : route.method} ${route.url}`
}

function headersFor (route: RouteOptions, sets: HeaderSets | undefined, choice: unknown): HeaderList | undefined {
  if (choice === undefined) return sets?.api
  if (!(choice === 'api' || choice === 'page' || choice === false)) {
    throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), "config.production.headers must be 'api', 'page' or false")
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
      throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), `config.production.rateLimit names the tier "${rateLimit}", which rateLimit.tiers does not define`)
    }
    return tier
  }
  const spec = rateLimit as { max?: unknown, timeWindow?: unknown, delayAfter?: unknown, delayMs?: unknown, maxDelayMs?: unknown } | null
  const max = spec?.max
  const windowMs = typeof spec?.timeWindow === 'number' || typeof spec?.timeWindow === 'string' ? parseTimeWindow(spec.timeWindow) : undefined
  const unknown = spec === null || typeof spec !== 'object' ? undefined : Object.keys(spec).find((key) => !ROUTE_LIMIT_KEYS.has(key))
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || windowMs === undefined || unknown !== undefined) {
    throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), "config.production.rateLimit must be false, a tier name, or { max: integer >= 1, timeWindow: ms or '1 minute', delayAfter?, delayMs?, maxDelayMs? }" +
      (unknown === undefined ? '' : `; "${unknown}" is not one of its keys`))
  }
  const delay = resolveDelay(spec as object, max, (key, what) => new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), `config.production.rateLimit.${key} ${what}`))
  return limiter.forRoute(route.url, routeName(route), spec as object, max, windowMs, delay)
}

const ROUTE_LIMIT_KEYS = new Set(['max', 'timeWindow', 'delayAfter', 'delayMs', 'maxDelayMs'])
const GUARD_KEYS = new Set(['body', 'query', 'repeatedQuery'])

/** The route's input guard: the global one, with the route's `config.production.inputGuard` over it. */
export function inputGuardFor (route: RouteOptions, global: ResolvedInputGuard): ResolvedInputGuard {
  const choice = productionConfig(route.config)?.inputGuard as unknown
  if (choice === undefined) return global
  if (choice === false) return { body: false, query: false, repeatedQuery: 'allow' }
  const given = choice as { body?: unknown, query?: unknown, repeatedQuery?: unknown } | null
  if (given === null || typeof given !== 'object' || Array.isArray(given) ||
    Object.keys(given).some((key) => !GUARD_KEYS.has(key)) ||
    (given.body !== undefined && typeof given.body !== 'boolean') ||
    (given.query !== undefined && typeof given.query !== 'boolean') ||
    (given.repeatedQuery !== undefined && given.repeatedQuery !== 'allow' && given.repeatedQuery !== 'refuse')) {
    throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route), "config.production.inputGuard must be false or { body?: boolean, query?: boolean, repeatedQuery?: 'allow' | 'refuse' }")
  }
  return {
    body: given.body ?? global.body,
    query: given.query ?? global.query,
    repeatedQuery: given.repeatedQuery ?? global.repeatedQuery
  } as ResolvedInputGuard
}

/**
 * `config.rateLimit` belongs to @fastify/rate-limit, which takes only an object or false. A string
 * there is this package's former spelling of a tier: refuse it, unless @fastify/rate-limit is
 * registered (then it is that plugin's key, and that plugin reports it).
 */
export function checkForeignRateLimit (route: RouteOptions, rateLimitPlugin: boolean): void {
  const value = (route.config as { rateLimit?: unknown } | undefined)?.rateLimit
  if (typeof value !== 'string' || rateLimitPlugin) return
  throw new codes.FP_ERR_SECURITY_ROUTE_CONFIG(routeName(route),
    `config.rateLimit is @fastify/rate-limit's key (an object or false); for a tier of @fastify-production/security write config: { production: { rateLimit: ${JSON.stringify(value)} } }`)
}

/** The state of a route, or undefined when the plugin's defaults apply to it. */
export function routeState (route: RouteOptions, sets: HeaderSets | undefined, limiter: RateLimiter | undefined): RouteState | undefined {
  const production = productionConfig(route.config)
  if (production === undefined || (production.headers === undefined && production.rateLimit === undefined)) return undefined
  return { headers: headersFor(route, sets, production.headers), limiter: limiterFor(route, limiter, production.rateLimit) }
}
