import type { ErrorsOptions } from '@fastify-production/errors'
import { codes } from './errors.js'

/** Options of `fastify-production`: each key takes that package's options, or `false` to leave it out. */
export interface ProductionOptions {
  /** @fastify-production/errors options. @default {} */
  errors?: ErrorsOptions | false
  /** Fail the boot (FP_ERR_PRODUCTION_STRICT) instead of warning when a risky setting is found; for CI and staging. @default false */
  strict?: boolean
}

export const PACKAGE_KEYS = ['errors'] as const
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
  for (const key of PACKAGE_KEYS) resolved[key] = given[key] ?? {}
  return resolved as ResolvedProductionOptions
}
