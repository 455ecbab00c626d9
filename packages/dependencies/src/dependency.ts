import { performance } from 'node:perf_hooks'
import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import {
  BrokenCircuitError, CircuitBreakerPolicy, CircuitState as Cockatiel, CountBreaker, ExponentialBackoff,
  handleWhen, circuitBreaker, type IBackoff
} from 'cockatiel'
import { codes } from './errors.js'
import { resolveDefinition, type DependencyDefinition, type ErrorKind, type ResolvedDefinition } from './options.js'
import { CallCancelled, requestSignal } from './request-signal.js'

/** Per-call settings. */
export interface CallOptions {
  /** The request this call serves: the call is cancelled when its client goes away. @default undefined */
  request?: FastifyRequest
  /** Another signal that cancels the call. @default undefined */
  signal?: AbortSignal
  /** Safe to repeat (a read, a PUT, a DELETE): failed attempts are retried. Refused attempts are retried either way. @default false */
  idempotent?: boolean
  /** Per-attempt timeout for this call, in ms. @default the dependency's `timeout` */
  timeout?: number
  /** Total bound of this call, in ms. @default the dependency's `deadline` */
  deadline?: number
}

/** The circuit breaker's state; `disabled` when the dependency has `breaker: false`. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'disabled'

/** Where a dependency is in its life: declared, connecting at start, up, gave up connecting, closed. */
export type DependencyStatus = 'idle' | 'connecting' | 'up' | 'failed' | 'closed'

/** How a call ended, as the `outcome` label of `dependency_call_duration_seconds` says it. */
export type CallOutcome = 'ok' | 'answer' | 'failure' | 'timeout' | 'circuit_open' | 'cancelled'

/** An error that says how long to wait before the next attempt (an HTTP `Retry-After`). */
export interface RetryAfterHint {
  /** Milliseconds the dependency asked to wait. */
  retryAfterMs?: number
}

/** @internal What the plugin gives a dependency when it is registered. */
export interface Binding {
  name: string
  log: FastifyBaseLogger
  observe: (outcome: CallOutcome, seconds: number) => void
  retried: () => void
}

class AttemptTimeout extends Error {
  override name = 'AttemptTimeout'
}

/** A successful call slower than `slowCall`: the breaker counts it, the caller still gets its value. */
class Slow {
  constructor (readonly value: unknown) {}
}

const noop = (): void => {}
/** What a function that declares no signal parameter gets if it reads one anyway. */
const NEVER = new AbortController().signal
const silent = { info: noop, warn: noop, error: noop, debug: noop } as unknown as FastifyBaseLogger
const PREFIX = 'dependency'

function hint (error: unknown): number | undefined {
  const ms = (error as RetryAfterHint | null)?.retryAfterMs
  return typeof ms === 'number' && ms >= 0 ? ms : undefined
}

function sleep (ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      signal?.removeEventListener('abort', cancel)
      resolve()
    }
    const timer = setTimeout(done, ms)
    const cancel = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', cancel, { once: true })
  })
}

function firstDelay (initialDelay: number, maxDelay: number): IBackoff<unknown> {
  // cockatiel's first backoff step is 0 ms (an immediate retry); start from the second one.
  return new ExponentialBackoff({ initialDelay, maxDelay }).next().next(undefined)
}

/**
 * One dependency of the app (a database pool, a cache, an upstream API) and the policy its calls run
 * under: total deadline → retries → circuit breaker → per-attempt timeout, as ASP.NET's standard
 * resilience handler orders them. Made by `dependency()` or an adapter, registered with the plugin.
 */
export class Dependency {
  readonly options: ResolvedDefinition
  /** Settings the adapter found risky, logged at registration. */
  readonly advice: string[] = []
  #binding: Binding | undefined
  #status: DependencyStatus = 'idle'
  #breaker: CircuitBreakerPolicy | undefined
  #openedAt = 0
  #closing: AbortController | undefined

  constructor (definition: DependencyDefinition = {}, where = 'dependency') {
    this.options = resolveDefinition(where, definition)
    const breaker = this.options.breaker
    if (breaker !== false) {
      const classify = this.options.classify
      this.#breaker = circuitBreaker(
        handleWhen((error) => error instanceof AttemptTimeout || (!(error instanceof CallCancelled) && classify(error) !== 'answer'))
          .orWhenResult((result) => result instanceof Slow),
        { halfOpenAfter: breaker.halfOpenAfter, breaker: new CountBreaker({ threshold: breaker.threshold, size: breaker.window, minimumNumberOfCalls: breaker.minimumCalls }) }
      )
      this.#breaker.onBreak(() => {
        this.#openedAt = Date.now()
        this.#log.warn({ dependency: this.name, halfOpenAfter: breaker.halfOpenAfter }, `${PREFIX} ${this.name}: circuit open; calls fail fast for ${breaker.halfOpenAfter} ms`)
      })
      this.#breaker.onHalfOpen(() => { this.#log.info({ dependency: this.name }, `${PREFIX} ${this.name}: circuit half-open; one trial call`) })
      this.#breaker.onReset(() => { this.#log.info({ dependency: this.name }, `${PREFIX} ${this.name}: circuit closed; calls go through again`) })
    }
  }

  /** The name it was registered under (`undefined` before). */
  get name (): string | undefined {
    return this.#binding?.name
  }

  get status (): DependencyStatus {
    return this.#status
  }

  get critical (): boolean {
    return this.options.critical
  }

  get circuit (): CircuitState {
    const breaker = this.#breaker
    if (breaker === undefined) return 'disabled'
    if (breaker.state === Cockatiel.Closed) return 'closed'
    // cockatiel moves to half-open on the next call; until one comes, say when it would.
    return this.retryAfterOpen() > 0 ? 'open' : 'half-open'
  }

  get #log (): FastifyBaseLogger {
    return this.#binding?.log ?? silent
  }

  /**
   * Runs `fn` under the dependency's policy, once per attempt. If `fn` declares a parameter it gets a
   * signal that aborts at the attempt's timeout, when the caller's client goes away or the call's
   * `signal` aborts (a function without one gets a signal that never aborts: making one costs µs).
   * Outages throw FP_ERR_DEPENDENCIES_{CIRCUIT_OPEN,TIMEOUT,UNAVAILABLE} (503 with `retry-after`);
   * an `answer` error is thrown as it came.
   */
  async call<T> (fn: (signal: AbortSignal) => Promise<T> | T, options: CallOptions = {}): Promise<T> {
    const started = performance.now()
    const opts = this.options
    const timeout = options.timeout ?? opts.timeout
    const end = started + (options.deadline ?? opts.deadline)
    const parent = options.signal ?? (options.request === undefined ? undefined : requestSignal(options.request))
    const retries = opts.retry === false ? 0 : opts.retry.retries
    let backoff: IBackoff<unknown> | undefined
    for (let attempt = 1; ; attempt++) {
      let error: unknown
      try {
        const value = await this.#attempt(fn, Math.min(timeout, end - performance.now()), parent)
        this.#observe('ok', started)
        return value
      } catch (err) {
        error = err
      }
      const outcome = this.#fatal(error, parent, started)
      if (outcome !== undefined) throw outcome
      const kind: ErrorKind = error instanceof AttemptTimeout ? 'failed' : opts.classify(error)
      const retryable = kind === 'refused' || options.idempotent === true
      const asked = hint(error)
      let delay = 0
      if (retryable && attempt <= retries && opts.retry !== false) {
        backoff = backoff === undefined ? firstDelay(opts.retry.initialDelay, opts.retry.maxDelay) : backoff.next(undefined)
        delay = Math.max(backoff.duration, asked ?? 0)
      }
      if (delay === 0 || performance.now() + delay >= end) throw this.#giveUp(error, asked, started, attempt)
      this.#binding?.retried()
      this.#log.debug({ dependency: this.name, attempt, delayMs: Math.round(delay), err: error }, `${PREFIX} ${this.name}: attempt ${attempt} failed; retrying in ${Math.round(delay)} ms`)
      try {
        await sleep(delay, parent)
      } catch {
        throw this.#cancelled(cancelledBy(parent as AbortSignal), started)
      }
    // The loop ends only by return or throw: no path runs past it.
    /* c8 ignore start */
    }
  }
  /* c8 ignore stop */

  /** Seconds until an open breaker lets a trial call through (0 when not open). */
  retryAfterOpen (): number {
    if (this.#breaker?.state !== Cockatiel.Open) return 0
    const { halfOpenAfter } = this.options.breaker as { halfOpenAfter: number }
    return Math.max(0, Math.ceil((this.#openedAt + halfOpenAfter - Date.now()) / 1000))
  }

  async #attempt<T> (fn: (signal: AbortSignal) => Promise<T> | T, ms: number, parent: AbortSignal | undefined): Promise<T> {
    if (parent?.aborted === true) throw cancelledBy(parent)
    // An AbortSignal costs microseconds and garbage: made only for a function that takes one. No
    // listener on it either (Node charges ~8 µs for a signal's first): the timer and the parent
    // abort it and reject the race themselves.
    const controller = fn.length > 0 ? new AbortController() : undefined
    let fail!: (reason: unknown) => void
    const aborted = new Promise<never>((_resolve, reject) => { fail = reject })
    const abort = (reason: unknown): void => {
      controller?.abort(reason)
      fail(reason)
    }
    const onParent = (): void => { abort(cancelledBy(parent as AbortSignal)) }
    parent?.addEventListener('abort', onParent)
    const timer = setTimeout(() => { abort(new AttemptTimeout(`no answer within ${ms} ms`)) }, Math.max(0, ms))
    const signal = controller?.signal ?? NEVER
    try {
      if (this.#breaker === undefined) return await Promise.race([this.#run(fn, signal), aborted])
      const slowCall = (this.options.breaker as { slowCall: number }).slowCall
      const result = await Promise.race([
        this.#breaker.execute(async () => {
          const began = performance.now()
          const value = await Promise.race([this.#run(fn, signal), aborted])
          return performance.now() - began >= slowCall ? new Slow(value) : value
        }),
        aborted
      ])
      return (result instanceof Slow ? result.value : result) as T
    } finally {
      clearTimeout(timer)
      parent?.removeEventListener('abort', onParent)
    }
  }

  async #run<T> (fn: (signal: AbortSignal) => Promise<T> | T, signal: AbortSignal): Promise<T> {
    return await fn(signal)
  }

  /** The errors that end a call at once: cancelled by the caller, breaker open. */
  #fatal (error: unknown, parent: AbortSignal | undefined, started: number): Error | undefined {
    if (error instanceof CallCancelled) return this.#cancelled(error, started)
    if (error instanceof BrokenCircuitError) {
      this.#observe('circuit_open', started)
      const err = new codes.FP_ERR_DEPENDENCIES_CIRCUIT_OPEN(this.name)
      return withRetryAfter(err, Math.max(1, this.retryAfterOpen()), error)
    }
    return undefined
  }

  #cancelled (reason: CallCancelled, started: number): Error {
    this.#observe('cancelled', started)
    const err = new codes.FP_ERR_DEPENDENCIES_ABORTED(this.name, reason.message)
    return Object.assign(err, { expose: true, cause: reason })
  }

  #giveUp (error: unknown, asked: number | undefined, started: number, attempts: number): unknown {
    const kind = error instanceof AttemptTimeout ? 'timeout' : this.options.classify(error)
    if (kind === 'answer') {
      this.#observe('answer', started)
      return error
    }
    const retryAfter = asked === undefined ? this.options.retryAfter : Math.max(1, Math.ceil(asked / 1000))
    if (kind === 'timeout') {
      this.#observe('timeout', started)
      return withRetryAfter(new codes.FP_ERR_DEPENDENCIES_TIMEOUT(this.name, Math.round(performance.now() - started)), retryAfter, error, attempts)
    }
    this.#observe('failure', started)
    const reason = kind === 'refused' ? 'it refused the call' : 'the call failed'
    return withRetryAfter(new codes.FP_ERR_DEPENDENCIES_UNAVAILABLE(this.name, reason), retryAfter, error, attempts)
  }

  #observe (outcome: CallOutcome, started: number): void {
    this.#binding?.observe(outcome, (performance.now() - started) / 1000)
  }

  /** @internal */
  attach (binding: Binding): void {
    if (this.#binding !== undefined && this.#status !== 'closed') {
      throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(binding.name, `this dependency is registered already, as ${this.#binding.name}; make one per app`)
    }
    this.#binding = binding
    this.#status = 'idle'
    this.#closing = new AbortController()
    this.attached(binding.log)
  }

  /** For adapters: the app's logger is known (listen to the client's error events here). */
  protected attached (_log: FastifyBaseLogger): void {}

  /**
   * @internal Connects with exponential backoff and jitter; resolves true once connected, false
   * when closed first or (critical only) past `startup.deadline`. `tried` is called after the first attempt.
   */
  async connect (tried: () => void): Promise<boolean> {
    const { connect, startup, critical, timeout } = this.options
    const closing = (this.#closing as AbortController).signal
    if (connect === undefined) {
      this.#status = 'up'
      tried()
      return true
    }
    this.#status = 'connecting'
    const started = performance.now()
    let backoff = firstDelay(startup.initialDelay, startup.maxDelay)
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#bounded(connect, timeout, closing).finally(attempt === 1 ? tried : noop)
        this.#status = 'up'
        this.#log.info({ dependency: this.name, attempt, elapsedMs: Math.round(performance.now() - started) }, `${PREFIX} ${this.name}: connected`)
        return true
      } catch (err) {
        if (closing.aborted) return false
        const delay = Math.round(backoff.duration)
        backoff = backoff.next(undefined)
        const elapsed = performance.now() - started
        if (critical && elapsed + delay > startup.deadline) {
          this.#status = 'failed'
          const error = new codes.FP_ERR_DEPENDENCIES_STARTUP(this.name, startup.deadline, `${attempt} attempts failed`)
          this.#log.error({ dependency: this.name, attempt, code: error.code, err }, error.message)
          return false
        }
        this.#log.warn({ dependency: this.name, attempt, delayMs: delay, err }, `${PREFIX} ${this.name}: connect attempt ${attempt} failed; next in ${delay} ms`)
        try {
          await sleep(delay, closing)
        } catch {
          return false
        }
      }
    // The loop ends only by return: no path runs past it.
    /* c8 ignore start */
    }
  }
  /* c8 ignore stop */

  /** @internal The readiness check: through the breaker, so a check can be the half-open trial call. */
  async check (signal: AbortSignal): Promise<unknown> {
    if (this.#status !== 'up') throw new Error(`status ${this.#status}`)
    const check = this.options.check
    if (check === undefined) {
      if (this.retryAfterOpen() > 0) throw new Error('circuit open')
      return true
    }
    const result = await this.call(async (inner) => {
      if (await check(inner) === false) throw new Error('check returned false')
      return true
    }, { signal, timeout: this.options.checkTimeout, deadline: this.options.checkTimeout })
    return result
  }

  /** @internal Stops connecting, then runs `close`, bounded by `closeTimeout`. */
  async close (): Promise<void> {
    this.#closing?.abort(new CallCancelled('the app is closing'))
    const close = this.options.close
    const wasUp = this.#status
    this.#status = 'closed'
    if (close === undefined) return
    const started = performance.now()
    try {
      await this.#bounded(() => close(), this.options.closeTimeout, undefined)
      this.#log.info({ dependency: this.name, was: wasUp, elapsedMs: Math.round(performance.now() - started) }, `${PREFIX} ${this.name}: closed`)
    } catch (err) {
      this.#log.error({ dependency: this.name, err, closeTimeout: this.options.closeTimeout }, `${PREFIX} ${this.name}: close failed or took over ${this.options.closeTimeout} ms; going on`)
    }
  }

  async #bounded (fn: (signal: AbortSignal) => unknown, ms: number, outer: AbortSignal | undefined): Promise<unknown> {
    const controller = new AbortController()
    const timer = setTimeout(() => { controller.abort(new AttemptTimeout(`no answer within ${ms} ms`)) }, ms)
    const onOuter = (): void => { controller.abort(outer?.reason) }
    outer?.addEventListener('abort', onOuter, { once: true })
    try {
      return await Promise.race([
        this.#run(fn, controller.signal),
        new Promise((_resolve, reject) => { controller.signal.addEventListener('abort', () => { reject(controller.signal.reason) }, { once: true }) })
      ])
    } finally {
      clearTimeout(timer)
      outer?.removeEventListener('abort', onOuter)
    }
  }
}

function cancelledBy (signal: AbortSignal): CallCancelled {
  const reason: unknown = signal.reason
  if (reason instanceof CallCancelled) return reason
  return new CallCancelled(reason instanceof Error ? reason.message : 'the caller aborted', { cause: reason })
}

function withRetryAfter<E extends Error> (err: E, seconds: number, cause: unknown, attempts?: number): E {
  return Object.assign(err, {
    expose: true,
    headers: { 'retry-after': String(seconds) },
    retryAfter: seconds,
    cause,
    ...(attempts === undefined ? {} : { attempts })
  })
}

/** Declares a dependency from its definition (connect, check, close, policy); register it with the plugin. */
export function dependency (definition: DependencyDefinition = {}): Dependency {
  return new Dependency(definition)
}
