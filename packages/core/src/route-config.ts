/**
 * The suite's own per-route settings, under one route-config key no other plugin uses:
 * `config: { production: { rateLimit: 'strict', accessLog: false } }`. Each package of the suite
 * adds its fields to this interface by module augmentation, so installing a package brings its types.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ProductionRouteConfig {}

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
