import type { FastifyBaseLogger } from 'fastify'
import type { Lifecycle, LifecycleState } from '@fastify-production/core'
import type { CheckRun, CheckRunner } from './checks.js'

/** `starting` → `ready` → `draining` → `closing` → `closed`: the app's lifecycle, owned by core. */
export type HealthState = LifecycleState

/** The `status` of a probe body. */
export type ProbeStatus = 'ok' | 'degraded' | 'fail' | 'starting' | 'unavailable' | 'draining' | 'closing' | 'closed'

const STARTUP_RETRY_MS = 1000
const HOLD = 'health.startup'

/**
 * What readiness answers, on top of the app's lifecycle: health holds `starting` until onReady has
 * run, every critical check passed once and no `setReady(false)` holds it; after that, readiness
 * follows the checks and `setReady()` until the lifecycle drains.
 */
export class Readiness {
  /** Reached `ready` once: the startup probe answers 200 from then on. */
  started = false
  readonly #lifecycle: Lifecycle
  readonly #runner: CheckRunner
  readonly #log: FastifyBaseLogger
  readonly #stopListening: () => void
  #release: (() => void) | undefined
  #booted = false
  #held = false
  #retry: NodeJS.Timeout | undefined

  constructor (lifecycle: Lifecycle, runner: CheckRunner, log: FastifyBaseLogger) {
    this.#lifecycle = lifecycle
    this.#runner = runner
    this.#log = log
    this.#release = lifecycle.hold(HOLD)
    this.#stopListening = lifecycle.on((state) => { this.#onState(state) })
  }

  get state (): LifecycleState {
    return this.#lifecycle.state
  }

  /** onReady: the first run is awaited (bounded by the check timeouts) so `ready()` means ready when deps are up. */
  async boot (): Promise<void> {
    this.#booted = true
    await this.evaluate()
  }

  /** Runs (or joins) the checks, lets go of startup when allowed, and returns what readiness is. */
  async evaluate (): Promise<{ run: CheckRun, status: ProbeStatus }> {
    const run = await this.#runner.run()
    if (this.#release !== undefined && this.#booted && this.state === 'starting') {
      if (run.healthy && !this.#held) {
        const release = this.#release
        this.#release = undefined
        this.#stopRetry()
        release()
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
    const state = this.state
    if (state !== 'starting' && state !== 'ready') return state
    if (!this.started) return 'starting'
    if (!run.healthy) return 'fail'
    if (this.#held) return 'unavailable'
    return run.degraded ? 'degraded' : 'ok'
  }

  setReady (ready: boolean, reason?: string): void {
    const state = this.state
    if (state !== 'starting' && state !== 'ready') {
      this.#log.debug({ state }, 'health: setReady ignored after drain')
      return
    }
    this.#held = !ready
    if (ready) {
      this.#log.info('health: setReady(true)')
      if (state === 'starting' && this.#booted) this.evaluate()
    } else {
      this.#log.warn({ reason }, 'health: setReady(false): readiness answers 503')
    }
  }

  /** onClose: no retry outlives the app. */
  close (): void {
    this.#stopRetry()
    this.#stopListening()
  }

  #onState (state: LifecycleState): void {
    if (state === 'ready') {
      this.started = true
      this.#log.info('health: ready')
      return
    }
    this.#stopRetry()
    if (state === 'draining') this.#log.info('health: draining; readiness answers 503 from now on')
  }

  #stopRetry (): void {
    clearTimeout(this.#retry)
    this.#retry = undefined
  }
}
