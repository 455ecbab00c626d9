import { availableParallelism } from 'node:os'
import { Type, type Static } from 'typebox'
import { firstViolation } from '@fastify-production/core'
import { codes } from './errors.js'

const Millis = Type.Integer({ minimum: 0, maximum: 2_147_483_647 })
const PositiveMillis = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const Port = Type.Integer({ minimum: 0, maximum: 65_535 })
const LogLevel = Type.Union([
  Type.Literal('fatal'),
  Type.Literal('error'),
  Type.Literal('warn'),
  Type.Literal('info'),
  Type.Literal('debug'),
  Type.Literal('silent')
])

const OptionsSchema = Type.Object({
  workers: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
  port: Type.Optional(Port),
  host: Type.Optional(Type.String({ minLength: 1 })),
  maxRestarts: Type.Optional(Type.Integer({ minimum: 0 })),
  restartWindow: Type.Optional(PositiveMillis),
  restartDelay: Type.Optional(Millis),
  maxRestartDelay: Type.Optional(Millis),
  readyTimeout: Type.Optional(PositiveMillis),
  drainTimeout: Type.Optional(Millis),
  killTimeout: Type.Optional(PositiveMillis),
  maxMemoryMb: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  memoryInterval: Type.Optional(Type.Integer({ minimum: 10, maximum: 2_147_483_647 })),
  memorySamples: Type.Optional(Type.Integer({ minimum: 1 })),
  metricsPort: Type.Optional(Port),
  metricsHost: Type.Optional(Type.String({ minLength: 1 })),
  metricsTimeout: Type.Optional(PositiveMillis),
  logLevel: Type.Optional(LogLevel)
}, { additionalProperties: false })

const ACCEPTED = 'accepted: workers (integer 1-1024), port and metricsPort (integer 0-65535), host and metricsHost (non-empty string), ' +
  'maxRestarts (integer >= 0), restartWindow, readyTimeout, killTimeout, metricsTimeout (ms, integer >= 1), ' +
  'restartDelay, maxRestartDelay, drainTimeout (ms, integer >= 0), maxMemoryMb (number > 0), memoryInterval (ms, integer >= 10), ' +
  'memorySamples (integer >= 1), logLevel (fatal | error | warn | info | debug | silent)'

/** Level of the primary's JSON log lines. */
export type LogLevel = Static<typeof LogLevel>

export interface ClusterOptions {
  /** Worker processes; 1 runs the app in this process, with no cluster. @default WEB_CONCURRENCY, else os.availableParallelism() */
  workers?: number
  /** Port every worker listens on (the primary shares it between them). @default 3000 */
  port?: number
  /** Address to listen on; '0.0.0.0' or '::' to accept outside connections. @default '127.0.0.1' */
  host?: string
  /** Unexpected worker exits tolerated within `restartWindow`; one more is a crash loop: log fatal, stop, exit 1. @default 10 */
  maxRestarts?: number
  /** Sliding window, in ms, over which restarts are counted. @default 60000 */
  restartWindow?: number
  /** Delay before the first restart, in ms; doubles with each restart in the window. @default 100 */
  restartDelay?: number
  /** Upper bound of the restart delay, in ms. @default 10000 */
  maxRestartDelay?: number
  /** A rolling reload's new worker must be listening (and its lifecycle `ready`: health's checks passed) within this, in ms, else the reload stops. @default 30000 */
  readyTimeout?: number
  /** A retiring worker waits this long, in ms, for its keep-alive connections to leave before it closes the rest. @default 5000 */
  drainTimeout?: number
  /** A worker told to stop is killed with SIGKILL after this, in ms; keep it above the shutdown package's `timeout`. @default 35000 */
  killTimeout?: number
  /** Replace (rolling) a worker whose RSS stays above this many MiB for `memorySamples` samples in a row. @default undefined (off) */
  maxMemoryMb?: number
  /** Time between two RSS samples of a worker, in ms. @default 5000 */
  memoryInterval?: number
  /** Consecutive samples above `maxMemoryMb` before a worker is replaced. @default 3 */
  memorySamples?: number
  /**
   * Also serve GET /metrics aggregated over all workers on the primary, on this port (needs
   * prom-client; no auth). Each worker's own scrape endpoint serves the same aggregate anyway.
   * @default undefined (off)
   */
  metricsPort?: number
  /** Address of the primary's /metrics server. @default '127.0.0.1' */
  metricsHost?: string
  /** How long the primary waits for each worker's metrics before leaving it out of a scrape, in ms. @default 1000 */
  metricsTimeout?: number
  /** Level of the primary's (and the worker runtime's) JSON log lines on stdout. @default 'info' */
  logLevel?: LogLevel
}

export interface ResolvedClusterOptions {
  workers: number
  port: number
  host: string
  maxRestarts: number
  restartWindow: number
  restartDelay: number
  maxRestartDelay: number
  readyTimeout: number
  drainTimeout: number
  killTimeout: number
  maxMemoryMb: number | undefined
  memoryInterval: number
  memorySamples: number
  metricsPort: number | undefined
  metricsHost: string
  metricsTimeout: number
  logLevel: LogLevel
}

function fail (option: string, rule: string): never {
  throw new codes.FP_ERR_CLUSTER_OPTIONS(option, `${rule}; ${ACCEPTED}`)
}

function workersFromEnv (value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 1024) fail('workers', `WEB_CONCURRENCY must be an integer from 1 to 1024; got "${value}"`)
  return n
}

export function resolveOptions (options: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedClusterOptions {
  const bad = firstViolation(OptionsSchema, options)
  if (bad !== undefined) fail(bad[0], bad[1])
  const opts = options as Static<typeof OptionsSchema>
  const restartDelay = opts.restartDelay ?? 100
  const maxRestartDelay = opts.maxRestartDelay ?? Math.max(10_000, restartDelay)
  if (maxRestartDelay < restartDelay) fail('maxRestartDelay', `must be at least restartDelay (${restartDelay} ms); got ${maxRestartDelay}`)
  return {
    workers: opts.workers ?? workersFromEnv(env.WEB_CONCURRENCY) ?? availableParallelism(),
    port: opts.port ?? 3000,
    host: opts.host ?? '127.0.0.1',
    maxRestarts: opts.maxRestarts ?? 10,
    restartWindow: opts.restartWindow ?? 60_000,
    restartDelay,
    maxRestartDelay,
    readyTimeout: opts.readyTimeout ?? 30_000,
    drainTimeout: opts.drainTimeout ?? 5000,
    killTimeout: opts.killTimeout ?? 35_000,
    maxMemoryMb: opts.maxMemoryMb,
    memoryInterval: opts.memoryInterval ?? 5000,
    memorySamples: opts.memorySamples ?? 3,
    metricsPort: opts.metricsPort,
    metricsHost: opts.metricsHost ?? '127.0.0.1',
    metricsTimeout: opts.metricsTimeout ?? 1000,
    logLevel: opts.logLevel ?? 'info'
  }
}
