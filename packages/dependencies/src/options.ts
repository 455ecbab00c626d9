import { Type } from 'typebox'
import { firstViolation } from '@fastify-production/core'
import { codes } from './errors.js'

/**
 * How an error thrown by a call counts:
 * - `refused`: the dependency did not take the work (connection refused, 503/429): a failure, safe to retry any call;
 * - `failed`: it failed while doing the work (reset, 5xx, timeout): a failure, retried only for idempotent calls;
 * - `answer`: an answer, not an outage (a constraint violation, a 404): not counted, not retried, thrown as is.
 */
export type ErrorKind = 'refused' | 'failed' | 'answer'

export interface RetryOptions {
  /** Retries after the first attempt (so at most `retries + 1` attempts per call). @default 2 */
  retries?: number
  /** Median of the first delay, in ms; later delays grow exponentially with decorrelated jitter. @default 100 */
  initialDelay?: number
  /** Longest delay between attempts, in ms (a longer `Retry-After` from the dependency still wins, within `deadline`). @default 1000 */
  maxDelay?: number
}

export interface BreakerOptions {
  /** Open when more than this fraction of the last `window` calls failed or were slow. @default 0.5 */
  threshold?: number
  /** How many recent calls the failure rate is computed over. @default 20 */
  window?: number
  /** Calls needed in the window before the breaker may open. @default 5 */
  minimumCalls?: number
  /** How long the breaker stays open before one trial call (half-open), in ms. @default 5000 */
  halfOpenAfter?: number
  /** A call that succeeds but takes this many ms or more counts as a failure for the breaker (its result is still returned). @default half of `timeout` */
  slowCall?: number
}

export interface StartupOptions {
  /** A critical dependency that has not connected this many ms after ready fails the start (non-critical ones keep trying). @default 60000 */
  deadline?: number
  /** Median of the first delay between connect attempts, in ms. @default 200 */
  initialDelay?: number
  /** Longest delay between connect attempts, in ms. @default 5000 */
  maxDelay?: number
}

/** A dependency of the app: how to reach it, check it and close it, and the policy of its calls. */
export interface DependencyDefinition {
  /** First contact at start, retried with backoff until it resolves; its `signal` aborts at `timeout`. @default none (up at once) */
  connect?: (signal: AbortSignal) => unknown
  /** Readiness check (through the breaker, bounded by `checkTimeout`); rejects or returns `false` when unhealthy. @default the breaker state only */
  check?: (signal: AbortSignal) => unknown
  /** Releases the client at shutdown (pool.end, quit), after in-flight requests, bounded by `closeTimeout`. @default none */
  close?: () => unknown
  /** A critical dependency holds startup until connected and fails readiness when down; a non-critical one only degrades it. @default true */
  critical?: boolean
  /** Per-attempt timeout of a call, in ms: the caller is answered then, and the attempt's signal aborts. @default 2000 */
  timeout?: number
  /** Total time a call may take, retries and their delays included, in ms. @default 5000 */
  deadline?: number
  /** Retries of idempotent calls (and of refused ones), or `false` for none. @default { retries: 2, initialDelay: 100, maxDelay: 1000 } */
  retry?: RetryOptions | false
  /** The circuit breaker, or `false` for none. @default { threshold: 0.5, window: 20, minimumCalls: 5, halfOpenAfter: 5000, slowCall: timeout / 2 } */
  breaker?: BreakerOptions | false
  /** Connect attempts at start. @default { deadline: 60000, initialDelay: 200, maxDelay: 5000 } */
  startup?: StartupOptions
  /** Bound of one readiness check, in ms. @default 1000 */
  checkTimeout?: number
  /** Bound of `close`, in ms. @default 5000 */
  closeTimeout?: number
  /** Seconds sent in `Retry-After` when the dependency said nothing better (an open breaker sends the time until its trial call). @default halfOpenAfter in seconds, rounded up (5) */
  retryAfter?: number
  /** How a call's error counts (see `ErrorKind`). @default every error is `failed` */
  classify?: (error: unknown) => ErrorKind
}

export interface ResolvedDefinition {
  connect: ((signal: AbortSignal) => unknown) | undefined
  check: ((signal: AbortSignal) => unknown) | undefined
  close: (() => unknown) | undefined
  critical: boolean
  timeout: number
  deadline: number
  retry: Required<RetryOptions> | false
  breaker: Required<BreakerOptions> | false
  startup: Required<StartupOptions>
  checkTimeout: number
  closeTimeout: number
  retryAfter: number
  classify: (error: unknown) => ErrorKind
}

const Ms = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const Fn = Type.Function([Type.Unknown()], Type.Unknown())

const RetrySchema = Type.Object({
  retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
  initialDelay: Type.Optional(Ms),
  maxDelay: Type.Optional(Ms)
}, { additionalProperties: false })

const BreakerSchema = Type.Object({
  threshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 })),
  window: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  minimumCalls: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  halfOpenAfter: Type.Optional(Ms),
  slowCall: Type.Optional(Ms)
}, { additionalProperties: false })

export const DefinitionSchema = Type.Object({
  connect: Type.Optional(Fn),
  check: Type.Optional(Fn),
  close: Type.Optional(Fn),
  critical: Type.Optional(Type.Boolean()),
  timeout: Type.Optional(Ms),
  deadline: Type.Optional(Ms),
  retry: Type.Optional(Type.Union([Type.Literal(false), RetrySchema])),
  breaker: Type.Optional(Type.Union([Type.Literal(false), BreakerSchema])),
  startup: Type.Optional(Type.Object({
    deadline: Type.Optional(Ms),
    initialDelay: Type.Optional(Ms),
    maxDelay: Type.Optional(Ms)
  }, { additionalProperties: false })),
  checkTimeout: Type.Optional(Ms),
  closeTimeout: Type.Optional(Ms),
  retryAfter: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
  classify: Type.Optional(Fn)
}, { additionalProperties: false })

export const ACCEPTED = '{ connect?, check?, close?, classify? (functions), critical? (boolean), timeout?, deadline?, checkTimeout?, closeTimeout? (integer ms >= 1), ' +
  'retry? (false | { retries 0..10, initialDelay, maxDelay }), breaker? (false | { threshold 0..1 exclusive, window, minimumCalls, halfOpenAfter, slowCall }), ' +
  'startup? ({ deadline, initialDelay, maxDelay }), retryAfter? (integer seconds 1..86400) }'

/** A dependency name, as readiness and metrics show it. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

const failed = (): ErrorKind => 'failed'

export function resolveDefinition (where: string, definition: unknown): ResolvedDefinition {
  const bad = firstViolation(DefinitionSchema, definition)
  if (bad !== undefined) {
    const at = bad[0] === '(root)' ? where : `${where}.${bad[0]}`
    throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(at, `${bad[1]}; accepted: ${ACCEPTED}`)
  }
  const d = definition as DependencyDefinition
  const timeout = d.timeout ?? 2000
  const deadline = d.deadline ?? Math.max(5000, timeout)
  if (deadline < timeout) throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(`${where}.deadline`, `must be at least timeout (${timeout} ms): it bounds the whole call`)
  const breaker = d.breaker === false
    ? false
    : {
        threshold: d.breaker?.threshold ?? 0.5,
        window: d.breaker?.window ?? 20,
        minimumCalls: d.breaker?.minimumCalls ?? 5,
        halfOpenAfter: d.breaker?.halfOpenAfter ?? 5000,
        slowCall: d.breaker?.slowCall ?? Math.max(1, Math.floor(timeout / 2))
      }
  if (breaker !== false && breaker.minimumCalls > breaker.window) {
    throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(`${where}.breaker.minimumCalls`, `must be at most window (${breaker.window})`)
  }
  return {
    connect: d.connect,
    check: d.check,
    close: d.close,
    critical: d.critical ?? true,
    timeout,
    deadline,
    retry: d.retry === false
      ? false
      : { retries: d.retry?.retries ?? 2, initialDelay: d.retry?.initialDelay ?? 100, maxDelay: d.retry?.maxDelay ?? 1000 },
    breaker,
    startup: {
      deadline: d.startup?.deadline ?? 60_000,
      initialDelay: d.startup?.initialDelay ?? 200,
      maxDelay: d.startup?.maxDelay ?? 5000
    },
    checkTimeout: d.checkTimeout ?? 1000,
    closeTimeout: d.closeTimeout ?? 5000,
    retryAfter: d.retryAfter ?? Math.ceil((breaker === false ? 5000 : breaker.halfOpenAfter) / 1000),
    classify: d.classify ?? failed
  }
}
