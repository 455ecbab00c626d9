import type { FastifyInstance } from 'fastify'

/** Where an app is in its life. Readiness is 503 from `draining` on; liveness does not look at it. */
export type LifecycleState = 'starting' | 'ready' | 'draining' | 'closing' | 'closed'

export type LifecycleListener = (state: LifecycleState, previous: LifecycleState) => void

const ORDER: Record<LifecycleState, number> = { starting: 0, ready: 1, draining: 2, closing: 3, closed: 4 }
const kLifecycle = Symbol.for('fastify-production.lifecycle')

/**
 * One app's lifecycle, shared by every package of the suite registered on it:
 * `starting -> ready -> draining -> closing -> closed`, only ever forward.
 * `ready` comes after Fastify's onReady once no package holds startup (health holds it until its
 * critical checks pass); `draining` when shutdown begins (or `drain()` is called); `closing` at
 * Fastify's preClose, `closed` at onClose.
 */
export class Lifecycle {
  #state: LifecycleState = 'starting'
  #booted = false
  readonly #holds = new Set<string>()
  readonly #listeners = new Set<LifecycleListener>()

  get state (): LifecycleState {
    return this.#state
  }

  /** Keeps the app `starting` past onReady until the returned function is called (idempotent). */
  hold (name: string): () => void {
    this.#holds.add(name)
    return () => {
      if (this.#holds.delete(name)) this.#maybeReady()
    }
  }

  /** Readiness answers 503 from now on, for good. Idempotent; ignored once closing. */
  drain (): void {
    this.#advance('draining')
  }

  /** Calls `listener` on every change; returns the function that stops it. */
  on (listener: LifecycleListener): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  /** Resolves once the app is `ready`, or false when it went past `ready` (or is past it) without being ready. */
  whenReady (): Promise<boolean> {
    if (this.#state !== 'starting') return Promise.resolve(this.#state === 'ready')
    return new Promise((resolve) => {
      const off = this.on((state) => {
        off()
        resolve(state === 'ready')
      })
    })
  }

  /** @internal Fastify's onReady ran. */
  booted (): void {
    this.#booted = true
    this.#maybeReady()
  }

  /** @internal Fastify's preClose / onClose. */
  advance (state: 'closing' | 'closed'): void {
    this.#advance(state)
  }

  #maybeReady (): void {
    if (this.#booted && this.#holds.size === 0 && this.#state === 'starting') this.#advance('ready')
  }

  #advance (state: LifecycleState): void {
    const previous = this.#state
    if (ORDER[state] <= ORDER[previous]) return
    this.#state = state
    for (const listener of [...this.#listeners]) listener(state, previous)
  }
}

/** The lifecycle of the app in this context, or undefined when no package of the suite made one. */
export function findLifecycle (fastify: FastifyInstance): Lifecycle | undefined {
  return (fastify as unknown as Record<symbol, Lifecycle | undefined>)[kLifecycle]
}

/** The app's lifecycle, made (and tied to Fastify's hooks) by the first package that asks, at registration. */
export function lifecycle (fastify: FastifyInstance): Lifecycle {
  const existing = findLifecycle(fastify)
  if (existing !== undefined) return existing
  const made = new Lifecycle()
  fastify.decorate(kLifecycle as unknown as string, made)
  fastify.addHook('onReady', function lifecycleReady (done) {
    made.booted()
    done()
  })
  fastify.addHook('preClose', function lifecycleClosing (done) {
    made.advance('closing')
    done()
  })
  fastify.addHook('onClose', function lifecycleClosed (_instance, done) {
    made.advance('closed')
    done()
  })
  return made
}
