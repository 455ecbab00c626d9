import { performance } from 'node:perf_hooks'
import type { FastifyBaseLogger } from 'fastify'
import type { ResolvedCheck } from './options.js'

/** `degraded` is what a failing or timed-out non-critical check reports. */
export type CheckStatus = 'ok' | 'fail' | 'timeout' | 'degraded'

export interface CheckOutcome {
  status: CheckStatus
  durationMs: number
  /** Class and message of what went wrong: logged, and sent only in detail mode. */
  error: { name: string, message: string } | undefined
}

export interface CheckRun {
  /** Every critical check passed. */
  healthy: boolean
  /** Some non-critical check failed. */
  degraded: boolean
  results: Map<string, CheckOutcome>
}

class CheckTimeoutError extends Error {
  constructor (timeout: number) {
    super(`check did not settle within ${timeout} ms`)
    this.name = 'TimeoutError'
  }
}

function describe (err: unknown): { name: string, message: string } {
  if (err instanceof Error) return { name: err.name, message: err.message }
  return { name: typeof err, message: String(err) }
}

async function attempt (definition: ResolvedCheck, signal: AbortSignal): Promise<unknown> {
  const value = await definition.check(signal)
  if (value === false) throw new Error('check returned false')
  return value
}

/**
 * Runs every check in parallel, each bounded by its timeout. Concurrent callers share one run and a
 * finished run is reused for `cacheMs`, so a probe storm is one query per dependency.
 */
export class CheckRunner {
  readonly #checks: Map<string, ResolvedCheck>
  readonly #cacheMs: number
  readonly #log: FastifyBaseLogger
  readonly #lastStatus = new Map<string, CheckStatus>()
  readonly #active = new Set<() => void>()
  #inflight: Promise<CheckRun> | undefined
  #cached: CheckRun | undefined
  #cachedAt = 0

  constructor (checks: Map<string, ResolvedCheck>, cacheMs: number, log: FastifyBaseLogger) {
    this.#checks = new Map(checks)
    this.#cacheMs = cacheMs
    this.#log = log
  }

  has (name: string): boolean {
    return this.#checks.has(name)
  }

  add (name: string, definition: ResolvedCheck): void {
    this.#checks.set(name, definition)
    this.#cached = undefined
  }

  run (): Promise<CheckRun> {
    if (this.#cached !== undefined && performance.now() - this.#cachedAt < this.#cacheMs) return Promise.resolve(this.#cached)
    if (this.#inflight === undefined) {
      this.#inflight = this.#runAll().then((run) => {
        this.#inflight = undefined
        this.#cached = run
        this.#cachedAt = performance.now()
        return run
      })
    }
    return this.#inflight
  }

  /** On close: checks still running end now as `timeout` (their signals abort), so no timer outlives the app. */
  close (): void {
    for (const expire of this.#active) expire()
  }

  async #runAll (): Promise<CheckRun> {
    const names = [...this.#checks.keys()]
    const outcomes = await Promise.all(names.map((name) => this.#runOne(name, this.#checks.get(name) as ResolvedCheck)))
    const results = new Map<string, CheckOutcome>()
    let healthy = true
    let degraded = false
    for (const [i, name] of names.entries()) {
      const outcome = outcomes[i] as CheckOutcome
      results.set(name, outcome)
      if (outcome.status === 'degraded') degraded = true
      else if (outcome.status !== 'ok') healthy = false
    }
    return { healthy, degraded, results }
  }

  async #runOne (name: string, definition: ResolvedCheck): Promise<CheckOutcome> {
    const started = performance.now()
    const controller = new AbortController()
    let timer: NodeJS.Timeout | undefined
    let expire!: () => void
    const deadline = new Promise<'timeout'>((resolve) => {
      expire = () => { resolve('timeout') }
      // Not unref'd: a probe waits on it, and close() ends it, so it never outlives the app.
      timer = setTimeout(expire, definition.timeout)
    })
    this.#active.add(expire)
    let status: CheckStatus = 'ok'
    let error: CheckOutcome['error']
    let cause: unknown
    try {
      if (await Promise.race([attempt(definition, controller.signal), deadline]) === 'timeout') {
        cause = new CheckTimeoutError(definition.timeout)
        controller.abort(cause)
        status = 'timeout'
      }
    } catch (err) {
      cause = err
      status = 'fail'
    } finally {
      clearTimeout(timer)
      this.#active.delete(expire)
    }
    if (status !== 'ok') {
      error = describe(cause)
      if (!definition.critical) status = 'degraded'
    }
    const durationMs = Math.round((performance.now() - started) * 10) / 10
    this.#report(name, status, durationMs, cause)
    return { status, durationMs, error }
  }

  /** Logs changes of a check's status only, so a dependency that stays down is not a line per probe. */
  #report (name: string, status: CheckStatus, durationMs: number, cause: unknown): void {
    const before = this.#lastStatus.get(name) ?? 'ok'
    this.#lastStatus.set(name, status)
    if (status === before) return
    if (status === 'ok') this.#log.info({ check: name, durationMs }, `health check ${name} recovered`)
    else this.#log.warn({ check: name, status, durationMs, err: cause }, `health check ${name} ${status === 'degraded' ? 'failed (non-critical)' : status === 'timeout' ? 'timed out' : 'failed'}`)
  }
}
