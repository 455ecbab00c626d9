import type { FastifyBaseLogger } from 'fastify'
import { codes } from './errors.js'

/** A cleanup step run once at shutdown, after the server stopped accepting and in-flight requests ended. */
export type ShutdownHook = () => Promise<unknown> | unknown

const kTimedOut = Symbol('timed out')

/** Named hooks run one after the other in the order added, each bounded; a failure never stops the next. */
export class ShutdownHooks {
  readonly #hooks: Array<{ name: string, fn: ShutdownHook }> = []
  readonly #pending = new Set<string>()
  #started = false
  failed = false

  add (name: unknown, fn: unknown): void {
    if (typeof name !== 'string' || name.length === 0) throw new codes.FP_ERR_SHUTDOWN_HOOK(String(name), 'name must be a non-empty string')
    if (typeof fn !== 'function') throw new codes.FP_ERR_SHUTDOWN_HOOK(name, 'fn must be a function')
    if (this.#started) throw new codes.FP_ERR_SHUTDOWN_HOOK(name, 'shutdown hooks are already running')
    if (this.#hooks.some((hook) => hook.name === name)) throw new codes.FP_ERR_SHUTDOWN_HOOK(name, 'a hook with this name exists')
    this.#hooks.push({ name, fn: fn as ShutdownHook })
    this.#pending.add(name)
  }

  /** Names of hooks not finished yet (running or not started). */
  pending (): string[] {
    return [...this.#pending]
  }

  /** Runs once: Fastify runs onClose hooks once per app. */
  async run (log: FastifyBaseLogger, hookTimeout: number): Promise<void> {
    this.#started = true
    for (const { name, fn } of this.#hooks) {
      let timer: NodeJS.Timeout | undefined
      const bound = new Promise<typeof kTimedOut>((resolve) => { timer = setTimeout(resolve, hookTimeout, kTimedOut) })
      try {
        const result = await Promise.race([Promise.resolve().then(fn), bound])
        if (result === kTimedOut) {
          this.failed = true
          log.error({ hook: name, hookTimeout }, `shutdown: hook "${name}" did not finish within ${hookTimeout} ms; going on`)
          continue
        }
        log.debug({ hook: name }, `shutdown: hook "${name}" done`)
      } catch (err) {
        this.failed = true
        log.error({ hook: name, err }, `shutdown: hook "${name}" failed; going on`)
      } finally {
        clearTimeout(timer)
      }
      this.#pending.delete(name)
    }
  }
}
