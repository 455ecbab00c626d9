import type { FastifyBaseLogger } from 'fastify'
import type { CheckRun, CheckRunner } from './checks.js'

export type HealthState = 'starting' | 'ready' | 'draining' | 'closing' | 'closed'

/** The `status` of a probe body. */
export type ProbeStatus = 'ok' | 'degraded' | 'fail' | 'starting' | 'unavailable' | 'draining' | 'closing' | 'closed'

const STARTUP_RETRY_MS = 1000

/**
 * Owns readiness: `starting` until onReady has run and every critical check passed once (and no
 * `setReady(false)` holds it), `draining` for good from `drain()`, then `closing` and `closed`.
 */
export class Lifecycle {
  state: HealthState = 'starting'
  /** Reached `ready` once: the startup probe answers 200 from then on. */
  started = false
  readonly #runner: CheckRunner
  readonly #log: FastifyBaseLogger
  #booted = false
  #held = false
  #heldReason: string | undefined
  #retry: NodeJS.Timeout | undefined

  constructor (runner: CheckRunner, log: FastifyBaseLogger) {
    this.#runner = runner
    this.#log = log
  }

  /** onReady: the first run is awaited (bounded by the check timeouts) so `ready()` means ready when deps are up. */
  async boot (): Promise<void> {
    this.#booted = true
    await this.evaluate()
  }

  /** Runs (or joins) the checks, moves `starting` to `ready` when allowed, and returns what readiness is. */
  async evaluate (): Promise<{ run: CheckRun, status: ProbeStatus }> {
    const run = await this.#runner.run()
    if (this.state === 'starting' && this.#booted) {
      if (run.healthy && !this.#held) {
        this.state = 'ready'
        this.started = true
        this.#stopRetry()
        this.#log.info('health: ready')
      } else if (this.#retry === undefined) {
        // Keep trying without a prober, so `state` tells the truth on its own.
        this.#retry = setTimeout(() => {
          this.#retry = undefined
          this.evaluate()
        }, STARTUP_RETRY_MS)
        this.#retry.unref()
      }
    }
    return { run, status: this.readiness(run) }
  }

  readiness (run: CheckRun): ProbeStatus {
    if (this.state !== 'starting' && this.state !== 'ready') return this.state
    if (!this.started) return 'starting'
    if (!run.healthy) return 'fail'
    if (this.#held) return 'unavailable'
    return run.degraded ? 'degraded' : 'ok'
  }

  setReady (ready: boolean, reason?: string): void {
    if (this.state !== 'starting' && this.state !== 'ready') {
      this.#log.debug({ state: this.state }, 'health: setReady ignored after drain')
      return
    }
    this.#held = !ready
    this.#heldReason = ready ? undefined : reason
    if (ready) {
      this.#log.info('health: setReady(true)')
      if (this.state === 'starting' && this.#booted) this.evaluate()
    } else {
      this.#log.warn({ reason: this.#heldReason }, 'health: setReady(false): readiness answers 503')
    }
  }

  drain (): void {
    if (this.state !== 'starting' && this.state !== 'ready') return
    this.state = 'draining'
    this.#stopRetry()
    this.#log.info('health: draining; readiness answers 503 from now on')
  }

  closing (): void {
    this.state = 'closing'
    this.#stopRetry()
  }

  closed (): void {
    this.state = 'closed'
    this.#stopRetry()
  }

  #stopRetry (): void {
    clearTimeout(this.#retry)
    this.#retry = undefined
  }
}
