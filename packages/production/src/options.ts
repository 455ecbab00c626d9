import type { ErrorsOptions } from '@fastify-production/errors'
import type { ConfigOptions } from '@fastify-production/config'
import type { LoggingOptions } from '@fastify-production/logging'
import type { MetricsOptions } from '@fastify-production/metrics'
import type { HealthOptions } from '@fastify-production/health'
import type { SecurityOptions } from '@fastify-production/security'
import type { ShutdownOptions } from '@fastify-production/shutdown'
import type { CompressionOptions } from '@fastify-production/compression'
import type { TasksOptions } from '@fastify-production/tasks'
import type { DependenciesOptions } from '@fastify-production/dependencies'
import { codes } from './errors.js'

/** Options of `fastify-production`: each key takes that package's options, or `false` to leave it out. */
export interface ProductionOptions {
  /** @fastify-production/errors options. @default {} */
  errors?: ErrorsOptions | false
  /** @fastify-production/config options (`schema`, `dotenv`...). @default {} (only the NODE_ENV flags) */
  config?: ConfigOptions | false
  /** @fastify-production/logging plugin options; pair with `serverOptions()` for the logger itself. @default {} */
  logging?: LoggingOptions | false
  /** @fastify-production/metrics options; in production give `token` or `port`. @default {} */
  metrics?: MetricsOptions | false
  /** @fastify-production/health options (`checks`, load shedding limits, `port` for probes on a listener of their own). @default {} */
  health?: HealthOptions | false
  /** @fastify-production/dependencies: `{ [name]: pgDependency(pool) | httpDependency({ url }) | { connect, check, close, critical, timeout } }`. @default {} (none) */
  dependencies?: DependenciesOptions | false
  /** @fastify-production/security options (`cors`, `rateLimit`, `headers`, `inputGuard`). @default {} (headers, 100/min rate limit, CORS off, operator and prototype keys refused in JSON bodies) */
  security?: SecurityOptions | false
  /** @fastify-production/shutdown options (`delay`, `timeout`). @default {} */
  shutdown?: ShutdownOptions | false
  /** @fastify-production/compression options; off unless given, as a reverse proxy usually compresses. @default false */
  compression?: CompressionOptions | false
  /** @fastify-production/tasks options (`filename`, `maxThreads`, `timeout`); no thread starts until the first task. @default {} */
  tasks?: TasksOptions | false
  /** Fail the boot (FP_ERR_PRODUCTION_STRICT) instead of warning when a risky setting is found; for CI and staging. @default false */
  strict?: boolean
}

/** In registration order: errors first so every later error is problem+json; metrics before health and security so they can count through it; dependencies before health, so their first connect attempts have run when health's first readiness run takes their checks; compression and tasks after metrics and health, which they report to; shutdown last, as it drives the others. */
export const PACKAGE_KEYS = ['errors', 'config', 'logging', 'metrics', 'dependencies', 'health', 'security', 'compression', 'tasks', 'shutdown'] as const
export type PackageKey = typeof PACKAGE_KEYS[number]

export type ResolvedProductionOptions = { [K in PackageKey]: Exclude<ProductionOptions[K], undefined> } & { strict: boolean }

export function resolveOptions (options: unknown): ResolvedProductionOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new codes.FP_ERR_PRODUCTION_OPTIONS('(root)', 'must be an object')
  }
  const given = options as Record<string, unknown>
  if (given.strict !== undefined && typeof given.strict !== 'boolean') {
    throw new codes.FP_ERR_PRODUCTION_OPTIONS('strict', 'must be a boolean')
  }
  for (const key of Object.keys(given)) {
    if (key === 'strict') continue
    if (!(PACKAGE_KEYS as readonly string[]).includes(key)) {
      throw new codes.FP_ERR_PRODUCTION_OPTIONS(key, `is not a known option; accepted: ${PACKAGE_KEYS.join(', ')}, strict`)
    }
    const value = given[key]
    if (value !== undefined && value !== false && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw new codes.FP_ERR_PRODUCTION_OPTIONS(key, 'must be that package\'s options object, or false to leave the package out')
    }
  }
  const resolved: Record<string, unknown> = { strict: given.strict ?? false }
  // Compression is opt-in: in front of most apps a reverse proxy compresses already.
  for (const key of PACKAGE_KEYS) resolved[key] = given[key] ?? (key === 'compression' ? false : {})
  return resolved as ResolvedProductionOptions
}
