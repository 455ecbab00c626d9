import { availableParallelism } from 'node:os'
import { isAbsolute } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Type, type Static } from 'typebox'
import { firstViolation } from '@fastify-production/core'
import { codes } from './errors.js'

const Millis = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })

const OptionsSchema = Type.Object({
  filename: Type.Optional(Type.Unknown()),
  maxThreads: Type.Optional(Type.Integer({ minimum: 1 })),
  minThreads: Type.Optional(Type.Integer({ minimum: 0 })),
  idleTimeout: Type.Optional(Millis),
  maxQueue: Type.Optional(Type.Integer({ minimum: 0 })),
  timeout: Type.Optional(Millis),
  retryAfter: Type.Optional(Type.Integer({ minimum: 1 })),
  closeTimeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  readiness: Type.Optional(Type.Union([Type.Literal(false), Type.Literal('critical'), Type.Literal('non-critical')]))
}, { additionalProperties: false })

const ACCEPTED = 'filename (absolute path or file URL of the module exporting the tasks), maxThreads (integer >= 1), ' +
  'minThreads (integer >= 0, at most maxThreads), idleTimeout (ms), maxQueue (integer >= 0), timeout (ms), ' +
  'retryAfter (seconds, integer >= 1), closeTimeout (ms, integer >= 0), readiness (false | \'critical\' | \'non-critical\')'

export interface TasksOptions {
  /** The worker module whose named exports `runTask(name)` calls (absolute path or file URL). @default undefined (only files) */
  filename?: string | URL
  /** Worker threads at most; leaves one core to the event loop. @default max(1, availableParallelism() - 1) */
  maxThreads?: number
  /** Worker threads kept alive when idle; 0 starts none until the first task. @default 0 */
  minThreads?: number
  /** Milliseconds an idle thread above `minThreads` lives before it exits. @default 30000 */
  idleTimeout?: number
  /** Tasks that may wait for a thread; the next one is answered 503 + Retry-After. @default 4 * maxThreads */
  maxQueue?: number
  /** Milliseconds a task may take, queue wait included, before it is cancelled (its thread is stopped). @default 30000 */
  timeout?: number
  /** Seconds sent in `Retry-After` with the 503 of a full queue or a closing server. @default 1 */
  retryAfter?: number
  /** Milliseconds the pool waits at close for tasks still running (not tied to a request) before it terminates them. @default 10000 */
  closeTimeout?: number
  /** A `tasks` readiness check, failing while the queue is full: `'critical'` (readiness 503) or `'non-critical'` (degraded). @default false */
  readiness?: false | 'critical' | 'non-critical'
}

export interface ResolvedTasksOptions {
  filename: string | undefined
  maxThreads: number
  minThreads: number
  idleTimeout: number
  maxQueue: number
  timeout: number
  retryAfter: number
  closeTimeout: number
  readiness: false | 'critical' | 'non-critical'
}

function fail (option: string, rule: string): never {
  throw new codes.FP_ERR_TASKS_OPTIONS(option, `${rule}; accepted: ${ACCEPTED}`)
}

/** A file URL or an absolute path as a path; undefined for anything else (a task name). */
export function asFile (value: string | URL): string | undefined {
  if (value instanceof URL) return value.protocol === 'file:' ? fileURLToPath(value) : undefined
  if (value.startsWith('file:')) return fileURLToPath(value)
  return isAbsolute(value) ? value : undefined
}

export function resolveOptions (options: unknown): ResolvedTasksOptions {
  const bad = firstViolation(OptionsSchema, options)
  if (bad !== undefined) fail(...bad)
  const opts = options as Static<typeof OptionsSchema>
  let filename: string | undefined
  if (opts.filename !== undefined) {
    const given = opts.filename
    filename = typeof given === 'string' || given instanceof URL ? asFile(given) : undefined
    if (filename === undefined) fail('filename', 'must be an absolute path or a file URL, e.g. new URL(\'./tasks.js\', import.meta.url)')
  }
  const maxThreads = opts.maxThreads ?? Math.max(1, availableParallelism() - 1)
  const minThreads = opts.minThreads ?? 0
  if (minThreads > maxThreads) fail('minThreads', `must be at most maxThreads (${maxThreads}); got ${minThreads}`)
  return {
    filename,
    maxThreads,
    minThreads,
    idleTimeout: opts.idleTimeout ?? 30_000,
    maxQueue: opts.maxQueue ?? 4 * maxThreads,
    timeout: opts.timeout ?? 30_000,
    retryAfter: opts.retryAfter ?? 1,
    closeTimeout: opts.closeTimeout ?? 10_000,
    readiness: opts.readiness ?? false
  }
}
