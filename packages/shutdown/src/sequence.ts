import type { FastifyInstance } from 'fastify'
import { inspect } from 'node:util'
import type { ResolvedShutdownOptions, ShutdownSignal } from './options.js'
import type { InFlight } from './in-flight.js'
import type { ShutdownHooks } from './hooks.js'
import { activeHandles, describeOpen } from './forensics.js'

/** Where the app is in its shutdown. */
export type ShutdownState = 'running' | 'draining' | 'closing'

interface HealthLike { drain?: unknown }

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
  readonly #options: ResolvedShutdownOptions
  readonly #inFlight: InFlight
  readonly #hooks: ShutdownHooks
  readonly #listeners: Array<[string, (value: unknown) => void]>
  #installed = false
  #started = false
  #finished = false
  #exitCode = 0
  #startedAt = 0
  #deadline: NodeJS.Timeout | undefined
  #delayTimer: NodeJS.Timeout | undefined
  #endDelay: (() => void) | undefined

  constructor (app: FastifyInstance, options: ResolvedShutdownOptions, inFlight: InFlight, hooks: ShutdownHooks) {
    this.#app = app
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

  /** Called once, at ready. */
  install (): void {
    this.#installed = true
    for (const [event, listener] of this.#listeners) process.on(event, listener)
  }

  uninstall (): void {
    if (!this.#installed) return
    this.#installed = false
    for (const [event, listener] of this.#listeners) process.removeListener(event, listener)
  }

  trigger (reason: string): void {
    if (this.#started) return
    this.#app.log.info({ reason, delay: this.#options.delay, timeout: this.#options.timeout }, `shutdown: triggered (${reason}); draining for ${this.#options.delay} ms, then closing`)
    this.#start(this.#options.delay, 0)
  }

  /** app.close() was called, by the sequence or by anyone else. */
  closing (): void {
    this.state = 'closing'
  }

  #onSignal (signal: ShutdownSignal): void {
    if (this.#started) {
      this.#app.log.error({ signal }, `shutdown: second ${signal} received, exiting now`)
      this.#finish(1)
      return
    }
    this.#app.log.info({ signal, delay: this.#options.delay, timeout: this.#options.timeout }, `shutdown: ${signal} received; draining for ${this.#options.delay} ms, then closing`)
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
    const health = (this.#app as unknown as { health?: HealthLike }).health
    if (this.#app.hasDecorator('health') && typeof health?.drain === 'function') {
      try {
        health.drain()
      } catch (err) {
        this.#app.log.error({ err }, 'shutdown: fastify.health.drain() failed; going on')
      }
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
