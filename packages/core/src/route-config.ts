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
