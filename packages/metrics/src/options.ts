import { Type, type Static } from 'typebox'
import { firstViolation } from '@fastify-production/core'
import type { Registry } from 'prom-client'
import { codes } from './errors.js'

/** Bucket bounds in seconds for an API: 5 ms to 10 s, with 1 s (the p99 alert) as a bound. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10])

const OptionsSchema = Type.Object({
  path: Type.Optional(Type.String({ pattern: '^/' })),
  token: Type.Optional(Type.String({ minLength: 1 })),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  host: Type.Optional(Type.String({ minLength: 1 })),
  public: Type.Optional(Type.Boolean()),
  registry: Type.Optional(Type.Unknown()),
  prefix: Type.Optional(Type.String({ pattern: '^([a-zA-Z_:][a-zA-Z0-9_:]*)?$' })),
  buckets: Type.Optional(Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1 })),
  maxLabelSets: Type.Optional(Type.Integer({ minimum: 1 })),
  defaultMetrics: Type.Optional(Type.Boolean()),
  heapSnapshot: Type.Optional(Type.Object({ dir: Type.String({ minLength: 1 }) }, { additionalProperties: false }))
}, { additionalProperties: false })

const ACCEPTED = 'path (string starting with /), token (non-empty string), port (integer 0-65535), host (string), ' +
  'public (boolean), registry (prom-client Registry), prefix (metric name prefix), buckets (increasing positive numbers), ' +
  'maxLabelSets (integer >= 1), defaultMetrics (boolean), heapSnapshot ({ dir })'

export interface MetricsOptions {
  /** Path of the scrape endpoint. @default '/metrics' */
  path?: string
  /** Bearer token required on the scrape endpoint (compared in constant time). @default undefined */
  token?: string
  /** Serve the endpoint on a separate listener on this port instead of the app's. @default undefined */
  port?: number
  /** Address the separate listener binds to, with `port`. @default '127.0.0.1' */
  host?: string
  /** Allow an unprotected endpoint when NODE_ENV is `production`. @default false */
  public?: boolean
  /** The prom-client Registry to register on. @default a new Registry per app */
  registry?: Registry
  /** Prefix of every metric name, e.g. `orders_`. @default '' */
  prefix?: string
  /** Upper bounds, in seconds, of the request duration histogram buckets. @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] */
  buckets?: number[]
  /** Most distinct label sets of the request duration histogram; later ones go to one overflow series. @default 1000 */
  maxLabelSets?: number
  /** Process, heap, GC and event-loop metrics. @default true */
  defaultMetrics?: boolean
  /** Enables `POST /debug/heap-snapshot`, writing snapshots to `dir`. @default undefined (disabled) */
  heapSnapshot?: { dir: string }
}

export interface ResolvedMetricsOptions {
  path: string
  token: string | undefined
  port: number | undefined
  host: string
  public: boolean
  registry: Registry | undefined
  prefix: string
  buckets: readonly number[]
  maxLabelSets: number
  defaultMetrics: boolean
  heapSnapshotDir: string | undefined
}

function isRegistry (value: unknown): value is Registry {
  const r = value as Record<string, unknown> | null
  // Duck-typed: two installed copies of prom-client must both be accepted.
  return typeof r === 'object' && r !== null && typeof r.registerMetric === 'function' &&
    typeof r.getSingleMetric === 'function' && typeof r.metrics === 'function' && typeof r.removeSingleMetric === 'function'
}

function fail (option: string, rule: string): never {
  throw new codes.FP_ERR_METRICS_OPTIONS(option, `${rule}; accepted: ${ACCEPTED}`)
}

export function resolveOptions (options: unknown): ResolvedMetricsOptions {
  const bad = firstViolation(OptionsSchema, options)
  if (bad !== undefined) fail(...bad)
  const opts = options as Static<typeof OptionsSchema>
  if (opts.registry !== undefined && !isRegistry(opts.registry)) fail('registry', 'must be a prom-client Registry')
  const buckets = opts.buckets === undefined ? DEFAULT_BUCKETS : Object.freeze([...opts.buckets])
  for (let i = 1; i < buckets.length; i++) {
    if ((buckets[i] as number) <= (buckets[i - 1] as number)) fail('buckets', 'must be strictly increasing')
  }
  const resolved: ResolvedMetricsOptions = {
    path: opts.path ?? '/metrics',
    token: opts.token,
    port: opts.port,
    host: opts.host ?? '127.0.0.1',
    public: opts.public ?? false,
    registry: opts.registry as Registry | undefined,
    prefix: opts.prefix ?? '',
    buckets,
    maxLabelSets: opts.maxLabelSets ?? 1000,
    defaultMetrics: opts.defaultMetrics ?? true,
    heapSnapshotDir: opts.heapSnapshot?.dir
  }
  const protectedEndpoint = resolved.token !== undefined || resolved.port !== undefined
  if (!protectedEndpoint && process.env.NODE_ENV === 'production') {
    if (!resolved.public) throw new codes.FP_ERR_METRICS_UNPROTECTED(resolved.path, ', or `public: true` if the network already protects it')
    // A heap snapshot holds every secret in memory: `public` never covers it.
    if (resolved.heapSnapshotDir !== undefined) throw new codes.FP_ERR_METRICS_UNPROTECTED('POST /debug/heap-snapshot', '; `public: true` does not cover heap snapshots')
  }
  return resolved
}
