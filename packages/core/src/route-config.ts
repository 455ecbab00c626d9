import type { FastifyRequest } from 'fastify'

/** A route's own rate limit, and its optional slow-down (see @fastify-production/security). */
export interface RouteRateLimit {
  /** Requests allowed per client per window; the next ones are answered 429. */
  max: number
  /** Length of the window: milliseconds, or a string such as `'1 minute'`. */
  timeWindow: number | string
  /** Requests per window answered at once; each request past it waits `delayMs` more. @default undefined (no slow-down) */
  delayAfter?: number
  /** Milliseconds added per request past `delayAfter`. @default 500 */
  delayMs?: number
  /** Longest wait of one request, in milliseconds. @default 5000 */
  maxDelayMs?: number
}

/** A route's input guard, merged over the global `inputGuard` of @fastify-production/security. */
export interface RouteInputGuard {
  /** Refuse operator and prototype keys in object bodies (JSON). @default true */
  body?: boolean
  /** Refuse operator and prototype keys in the query string. @default false */
  query?: boolean
  /** `'refuse'`: a query parameter the schema does not declare, sent twice, is answered 400. @default 'allow' */
  repeatedQuery?: 'allow' | 'refuse'
}

/**
 * The suite's own per-route settings, under one route-config key no other plugin uses:
 * `config: { production: { rateLimit: 'strict', accessLog: false } }`. Declared here, once, so
 * every package reads the same vocabulary and none claims a key another plugin owns.
 */
export interface ProductionRouteConfig {
  /**
   * security: `false` (not limited), a tier name (`'strict'`), or this route's own `{ max, timeWindow }`,
   * optionally slowed down before the limit (`delayAfter`, `delayMs`, `maxDelayMs`). @default the global limit
   */
  rateLimit?: false | string | RouteRateLimit
  /** security: refuse operator (`$`, `.`) and prototype keys in the body and query; `false` turns it off. @default the global `inputGuard` */
  inputGuard?: false | RouteInputGuard
  /**
   * compression: `false` never compresses this route; `'always'` compresses it even for requests
   * carrying a cookie (a route that never reflects input next to a secret). @default the plugin's rule
   */
  compress?: false | 'always'
  /** security: `'page'` for HTML routes, `false` for no security headers. @default 'api' */
  headers?: 'api' | 'page' | false
  /** logging: `false` writes no access line for this route (probes, /metrics). @default true */
  accessLog?: false
  /** metrics: `false` leaves this route out of the request metrics. @default true */
  metrics?: false
  /** health: `false` never sheds this route under pressure (probes, /metrics). @default true */
  loadShedding?: false
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** fastify-production's per-route settings (see each package's README). */
    production?: ProductionRouteConfig
  }
}

/** The route's `config.production`, or undefined. */
export function productionConfig (config: unknown): ProductionRouteConfig | undefined {
  if (typeof config !== 'object' || config === null) return undefined
  const value = (config as { production?: unknown }).production
  return typeof value === 'object' && value !== null ? value as ProductionRouteConfig : undefined
}

/** A route's `config`, as Fastify hands it to the route's hooks. */
export type RouteConfig = FastifyRequest['routeOptions']['config'] | undefined

/**
 * A function returning the request's route config, for the per-request path. `request.routeOptions`
 * builds a dozen-field object on every read (and asks the router about version constraints); the
 * config is read here from the route context Fastify keeps on the request, under a symbol found by
 * its description on the first request (a test pins it against the installed Fastify). A request
 * without it (another Fastify copy) goes through routeOptions.
 */
export function routeConfigReader (): (request: FastifyRequest) => RouteConfig {
  let kContext: symbol | undefined
  return function routeConfig (request) {
    kContext ??= Object.getOwnPropertySymbols(request).find((s) => s.description === 'fastify.context')
    const context = kContext === undefined ? undefined : (request as unknown as Record<symbol, { config?: RouteConfig } | undefined>)[kContext]
    return context === undefined ? request.routeOptions.config : context.config
  }
}

/** @fastify/under-pressure's per-route `pressureHandler`: returning nothing lets the request through. */
function letThrough (): undefined {
  return undefined
}

/**
 * Route config for the routes a platform calls (probes, scrapes): never rate limited, never shed and
 * no access line, by the suite (`production`) nor by the app's own @fastify/rate-limit (`rateLimit:
 * false`, its documented opt-out) and @fastify/under-pressure (`pressureHandler`), so liveness stays
 * 200 and metrics stay readable exactly when the app is under pressure. `recorded: false` also keeps
 * the route out of the request metrics.
 */
export function operationalRouteConfig (recorded = true): { production: ProductionRouteConfig, rateLimit: false, pressureHandler: () => undefined } {
  const production: ProductionRouteConfig = { accessLog: false, rateLimit: false, loadShedding: false }
  if (!recorded) production.metrics = false
  return { production, rateLimit: false, pressureHandler: letThrough }
}
