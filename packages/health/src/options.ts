import { getHeapStatistics } from 'node:v8'
import { Type } from 'typebox'
import { firstViolation } from '@fastify-production/core'
import { codes } from './errors.js'

/** A dependency check: resolve (with anything but `false`) when healthy; throw, reject or return `false` when not. */
export type HealthCheckFunction = (signal: AbortSignal) => unknown

export interface HealthCheckOptions {
  /** Milliseconds the check may take before it reports `timeout` (its `signal` is aborted then). @default 1000 */
  timeout?: number
  /** A failing critical check makes readiness 503; a non-critical one only reports `degraded`. @default true */
  critical?: boolean
}

export interface HealthCheckDefinition extends HealthCheckOptions {
  /** The check itself; it gets an `AbortSignal` that aborts at its timeout. */
  check: HealthCheckFunction
}

export interface HealthOptions {
  /** URL prefix of the `live`, `ready` and `startup` probe routes. @default '/health' */
  prefix?: string
  /** Dependency checks, by name, run in parallel by the readiness and startup probes. @default {} */
  checks?: Record<string, HealthCheckDefinition>
  /** How long one run's results are reused, in ms; 0 turns the cache off (concurrent probes still share one run). @default 1000 */
  cacheMs?: number
  /**
   * Serve the probes on a listener of their own on this port (0: any free port; `fastify.health.address`
   * tells which) instead of the app's: under a flood of connections to the app's port, a probe's new
   * connection does not wait in the app's accept queue. @default undefined (the probes are routes of the app)
   */
  port?: number
  /**
   * Address the probe listener binds to, with `port`. In Kubernetes use '0.0.0.0' (or the pod IP): the
   * kubelet probes the pod IP, never loopback. @default '127.0.0.1'
   */
  host?: string
  /** A secret that, sent as `Authorization: Bearer <detailToken>`, adds each failing check's error class and message to probe bodies. @default undefined (never) */
  detailToken?: string
  /**
   * Answer 503 to ordinary requests while a pressure limit is exceeded; `false` only measures. When the
   * app registered @fastify/under-pressure itself, shedding is left to it unless this is `true`.
   * @default true (false next to @fastify/under-pressure)
   */
  loadShedding?: boolean
  /** How often event-loop delay, ELU, heap and RSS are sampled, in ms (each sample covers one interval; the process-wide monitor samples at the shortest interval any package asks for). @default 1000 */
  sampleInterval?: number
  /** Shed when the event-loop delay p99 of an interval exceeds this many ms; 0 turns it off. @default 1000 */
  maxEventLoopDelay?: number
  /**
   * Shed a request that waited more than this many ms behind other requests in one turn of the event
   * loop, once turns have run over it back to back for 100 ms (a standing queue, not a burst); 0 turns
   * it off. Acts per request, between samples: overload that waits in the kernel's socket buffers shows
   * here first. @default 20
   */
  maxQueueDelay?: number
  /** Shed when heap used exceeds this many bytes; 0 turns it off. @default 90% of `v8.getHeapStatistics().heap_size_limit` */
  maxHeapUsedBytes?: number
  /** Shed when the resident set size exceeds this many bytes; 0 turns it off. @default 110% of `heap_size_limit` */
  maxRssBytes?: number
  /** Shed when event-loop utilisation over an interval exceeds this fraction (0..1); 0 turns it off. @default 0 (off) */
  maxEventLoopUtilization?: number
  /** Seconds sent in `Retry-After` with a shed 503. @default 10 */
  retryAfter?: number
  /** Log a warning (at most every 30 s) when an interval's event-loop delay p99 exceeds this many ms; 0 turns it off. @default 100 */
  warnEventLoopDelay?: number
}

export interface ResolvedCheck {
  check: HealthCheckFunction
  timeout: number
  critical: boolean
}

export interface PressureLimits {
  maxEventLoopDelay: number
  maxHeapUsedBytes: number
  maxRssBytes: number
  maxEventLoopUtilization: number
}

export interface ResolvedHealthOptions extends PressureLimits {
  prefix: string
  /** The probe listener's port; undefined: the probes are routes of the app. */
  port: number | undefined
  host: string
  checks: Map<string, ResolvedCheck>
  cacheMs: number
  detailToken: string | undefined
  loadShedding: boolean
  /** `loadShedding` was given: an explicit `true` sheds even next to @fastify/under-pressure. */
  loadSheddingGiven: boolean
  sampleInterval: number
  maxQueueDelay: number
  retryAfter: number
  warnEventLoopDelay: number
}

const Milliseconds = Type.Integer({ minimum: 0, maximum: 2_147_483_647 })

const CheckOptionsSchema = Type.Object({
  timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  critical: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

const CheckDefinitionSchema = Type.Object({
  check: Type.Function([Type.Unknown()], Type.Unknown()),
  timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  critical: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

const CHECK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

const OptionsSchema = Type.Object({
  prefix: Type.Optional(Type.String({ pattern: '^(/[A-Za-z0-9_.~-]+)*$' })),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  host: Type.Optional(Type.String({ minLength: 1 })),
  checks: Type.Optional(Type.Record(Type.String(), CheckDefinitionSchema)),
  cacheMs: Type.Optional(Milliseconds),
  detailToken: Type.Optional(Type.String({ minLength: 16 })),
  loadShedding: Type.Optional(Type.Boolean()),
  sampleInterval: Type.Optional(Type.Integer({ minimum: 10, maximum: 2_147_483_647 })),
  maxEventLoopDelay: Type.Optional(Milliseconds),
  maxQueueDelay: Type.Optional(Milliseconds),
  maxHeapUsedBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  maxRssBytes: Type.Optional(Type.Integer({ minimum: 0 })),
  maxEventLoopUtilization: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  retryAfter: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  warnEventLoopDelay: Type.Optional(Milliseconds)
}, { additionalProperties: false })

const ACCEPTED = 'prefix (path like /health or \'\'), port (integer 0-65535), host (address to bind, with port), checks ({ [name matching ' + CHECK_NAME.source + ']: { check: function, timeout?: integer ms >= 1, critical?: boolean } }), ' +
  'cacheMs (integer ms >= 0), detailToken (string of 16+ characters), loadShedding (boolean), sampleInterval (integer ms >= 10), ' +
  'maxEventLoopDelay (integer ms >= 0), maxQueueDelay (integer ms >= 0), maxHeapUsedBytes (integer >= 0), maxRssBytes (integer >= 0), ' +
  'maxEventLoopUtilization (number 0..1), retryAfter (integer seconds 1..86400), warnEventLoopDelay (integer ms >= 0)'

/** Shedding defaults follow the heap limit, which `--max-old-space-size` sets (see the README). */
export function defaultLimits (heapSizeLimit = getHeapStatistics().heap_size_limit): PressureLimits {
  return {
    maxEventLoopDelay: 1000,
    maxHeapUsedBytes: Math.floor(heapSizeLimit * 0.9),
    maxRssBytes: Math.floor(heapSizeLimit * 1.1),
    maxEventLoopUtilization: 0
  }
}

export function resolveCheck (name: unknown, check: unknown, options: unknown): [string, ResolvedCheck] {
  if (typeof name !== 'string' || !CHECK_NAME.test(name)) {
    throw new codes.FP_ERR_HEALTH_CHECK(JSON.stringify(name) ?? String(name), `the name must match ${CHECK_NAME.source}`)
  }
  if (typeof check !== 'function') {
    throw new codes.FP_ERR_HEALTH_CHECK(name, 'check must be a function')
  }
  const bad = firstViolation(CheckOptionsSchema, options ?? {})
  if (bad !== undefined) {
    throw new codes.FP_ERR_HEALTH_CHECK(name, `${bad[0]} ${bad[1]}; accepted: { timeout?: integer ms >= 1, critical?: boolean }`)
  }
  const opts = (options ?? {}) as HealthCheckOptions
  return [name, { check: check as HealthCheckFunction, timeout: opts.timeout ?? 1000, critical: opts.critical ?? true }]
}

export function resolveOptions (options: unknown): ResolvedHealthOptions {
  const bad = firstViolation(OptionsSchema, options)
  if (bad !== undefined) throw new codes.FP_ERR_HEALTH_OPTIONS(bad[0], `${bad[1]}; accepted: ${ACCEPTED}`)
  const opts = options as HealthOptions
  if (opts.host !== undefined && opts.port === undefined) {
    throw new codes.FP_ERR_HEALTH_OPTIONS('host', `is the probe listener's address and needs \`port\`; accepted: ${ACCEPTED}`)
  }
  const checks = new Map<string, ResolvedCheck>()
  for (const [name, definition] of Object.entries(opts.checks ?? {})) {
    if (!CHECK_NAME.test(name)) throw new codes.FP_ERR_HEALTH_OPTIONS(`checks.${name}`, `a check name must match ${CHECK_NAME.source}`)
    checks.set(name, { check: definition.check, timeout: definition.timeout ?? 1000, critical: definition.critical ?? true })
  }
  const limits = defaultLimits()
  return {
    prefix: opts.prefix ?? '/health',
    port: opts.port,
    host: opts.host ?? '127.0.0.1',
    checks,
    cacheMs: opts.cacheMs ?? 1000,
    detailToken: opts.detailToken,
    loadShedding: opts.loadShedding ?? true,
    loadSheddingGiven: opts.loadShedding !== undefined,
    sampleInterval: opts.sampleInterval ?? 1000,
    maxEventLoopDelay: opts.maxEventLoopDelay ?? limits.maxEventLoopDelay,
    maxQueueDelay: opts.maxQueueDelay ?? 20,
    maxHeapUsedBytes: opts.maxHeapUsedBytes ?? limits.maxHeapUsedBytes,
    maxRssBytes: opts.maxRssBytes ?? limits.maxRssBytes,
    maxEventLoopUtilization: opts.maxEventLoopUtilization ?? limits.maxEventLoopUtilization,
    retryAfter: opts.retryAfter ?? 10,
    warnEventLoopDelay: opts.warnEventLoopDelay ?? 100
  }
}
