/**
 * The suite's own per-route settings, under one route-config key no other plugin uses:
 * `config: { production: { rateLimit: 'strict', accessLog: false } }`. Declared here, once, so
 * every package reads the same vocabulary and none claims a key another plugin owns.
 */
export interface ProductionRouteConfig {
  /** security: `false` (not limited), a tier name (`'strict'`), or this route's own `{ max, timeWindow }`. @default the global limit */
  rateLimit?: false | string | { max: number, timeWindow: number | string }
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
