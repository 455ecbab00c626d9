import type { FastifyInstance } from 'fastify'
import { inspect } from 'node:util'
import { installProcessListeners, type Lifecycle } from '@fastify-production/core'
import { codes } from './errors.js'
import type { ResolvedShutdownOptions, ShutdownSignal } from './options.js'
import type { InFlight } from './in-flight.js'
import type { ShutdownHooks } from './hooks.js'
import { activeHandles, describeOpen } from './forensics.js'
import { takenSignals } from './signal-listeners.js'

/** Where the app is in its shutdown. */
export type ShutdownState = 'running' | 'draining' | 'closing'

function asError (reason: unknown): unknown {
  return reason instanceof Error ? reason : new Error(`non-error rejection: ${inspect(reason, { depth: 2, breakLength: Infinity })}`)
}

/**
 * One app's shutdown: the process listeners it owns and the sequence they start
 * (drain -> delay -> close -> hooks -> exit), bounded by a deadline counted from the start.
 */
export class ShutdownSequence {
  state: ShutdownState = 'running'
  readonly #app: FastifyInstance
  readonly #lifecycle: Lifecycle
  readonly #options: ResolvedShutdownOptions
  readonly #inFlight: InFlight
  readonly #hooks: ShutdownHooks
  readonly #listeners: Array<[string, (value: unknown) => void]>
  #uninstall: (() => void) | undefined
  #started = false
  #finished = false
  #exitCode = 0
  #startedAt = 0
  #deadline: NodeJS.Timeout | undefined
  #delayTimer: NodeJS.Timeout | undefined
  #endDelay: (() => void) | undefined

  constructor (app: FastifyInstance, lifecycle: Lifecycle, options: ResolvedShutdownOptions, inFlight: InFlight, hooks: ShutdownHooks) {
    this.#app = app
    this.#lifecycle = lifecycle
    this.#options = options
    this.#inFlight = inFlight
    this.#hooks = hooks
    // Node calls signal listeners with the signal's name.
    const onSignal = (signal: unknown): void => { this.#onSignal(signal as ShutdownSignal) }
    const onUncaught = (err: unknown): void => { this.#fatal(err, 'uncaught exception') }
    const onRejection = (reason: unknown): void => {
      if (options.unhandledRejection === 'log') {
        app.log.error({ err: asError(reason) }, 'shutdown: unhandled rejection (unhandledRejection: \'log\', carrying on)')
      } else {
        this.#fatal(asError(reason), 'unhandled rejection')
      }
    }
    this.#listeners = [
      ...options.signals.map((signal): [string, typeof onSignal] => [signal, onSignal]),
      ['uncaughtException', onUncaught],
      ['unhandledRejection', onRejection]
    ]
  }

  get started (): boolean {
    return this.#started
  }

  /**
   * Called once, at ready. Refuses when someone else already listens to one of our signals
   * (close-with-grace, the app's own handler): at the signal it would close or exit at once.
   */
  install (): void {
    const taken = takenSignals(this.#options.signals)
    if (taken !== '') throw new codes.FP_ERR_SHUTDOWN_SIGNAL_TAKEN(taken, this.#options.signals[0] as string)
    this.#uninstall = installProcessListeners(this.#listeners)
  }

  uninstall (): void {
    this.#uninstall?.()
    this.#uninstall = undefined
  }

  trigger (reason: string): void {
    if (this.#started) return
    this.#app.log.info({ reason, delay: this.#options.delay, timeout: this.#options.timeout }, `shutdown: triggered (${reason}); draining for ${this.#options.delay} ms, then closing`)
    this.#start(this.#options.delay, 0)
  }

  /** app.close() was called, by the sequence or by anyone else. */
  closing (): void {
    this.state = 'closing'
    // Closed by someone else mid-delay: waiting on for load balancers would only hold the exit.
    this.#endDelay?.()
  }

  #onSignal (signal: ShutdownSignal): void {
    if (this.#started) {
      this.#app.log.error({ signal }, `shutdown: second ${signal} received, exiting now`)
      this.#finish(1)
      return
    }
    this.#app.log.info({ signal, delay: this.#options.delay, timeout: this.#options.timeout }, `shutdown: ${signal} received; draining for ${this.#options.delay} ms, then closing`)
    // Installed after ready, so the boot could not refuse it; it runs now too, and may end the process first.
    const taken = takenSignals([signal])
    if (taken !== '') {
      this.#app.log.error({ signal, listeners: taken }, `shutdown: another listener also handles ${taken}, installed after ready; ` +
        'it may close the app or exit before the drain ends: remove it and use fastify.shutdown.addHook for cleanup')
    }
    this.#start(this.#options.delay, 0)
  }

  #fatal (err: unknown, what: string): void {
    this.#app.log.fatal({ err }, `shutdown: ${what}; closing with no delay, exit code 1`)
    this.#exitCode = 1
    if (this.#started) {
      // Already shutting down: no more waiting for load balancers, close now.
      this.#endDelay?.()
      return
    }
    this.#start(0, 1)
  }

  #start (delay: number, exitCode: number): void {
    this.#started = true
    this.#exitCode = exitCode
    this.#startedAt = performance.now()
    this.state = 'draining'
    this.#deadline = setTimeout(() => { this.#onDeadline() }, this.#options.timeout)
    this.#inFlight.drain()
    try {
      // Readiness answers 503 from here on (health, metrics and cluster follow the lifecycle).
      this.#lifecycle.drain()
    } catch (err) {
      this.#app.log.error({ err }, 'shutdown: a lifecycle listener failed while draining; going on')
    }
    // #run never rejects: what app.close() throws is caught and logged there.
    this.#run(delay)
  }

  async #run (delay: number): Promise<void> {
    if (delay > 0) {
      await new Promise<void>((resolve) => {
        this.#endDelay = resolve
        this.#delayTimer = setTimeout(resolve, delay)
      })
      clearTimeout(this.#delayTimer)
    }
    this.#app.log.info({ inFlight: this.#inFlight.size }, `shutdown: closing; ${this.#inFlight.size} request(s) in flight`)
    try {
      await this.#app.close()
    } catch (err) {
      this.#exitCode = 1
      this.#app.log.error({ err }, 'shutdown: an onClose hook failed')
    }
    if (this.#hooks.failed) this.#exitCode = 1
    this.#finish(this.#exitCode)
  }

  #onDeadline (): void {
    const inFlight = this.#inFlight.summary()
    const pendingHooks = this.#hooks.pending()
    const handles = activeHandles()
    this.#app.log.error(
      { timeout: this.#options.timeout, state: this.state, inFlight, pendingHooks, handles },
      `shutdown: timed out after ${this.#options.timeout} ms; still open: ${describeOpen(inFlight, pendingHooks, handles)}`
    )
    this.#finish(1)
  }

  #finish (code: number): void {
    if (this.#finished) return
    this.#finished = true
    clearTimeout(this.#deadline)
    clearTimeout(this.#delayTimer)
    this.uninstall()
    const elapsed = Math.round(performance.now() - this.#startedAt)
    this.#app.log[code === 0 ? 'info' : 'error']({ exitCode: code, elapsed }, `shutdown: exiting with code ${code} after ${elapsed} ms`)
    this.#options.exit(code)
  }
}
