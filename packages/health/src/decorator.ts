import type { HealthCheckFunction, HealthCheckOptions } from './options.js'
import type { HealthState } from './readiness.js'
import type { PressureState } from './pressure.js'

/** `fastify.health`: readiness control and the current load. */
export interface HealthDecorator {
  /** The app's lifecycle (shared by the suite): `starting` → `ready` → `draining` → `closing` → `closed`. Liveness is 200 in every state. */
  readonly state: HealthState
  /** The last pressure sample (event-loop delay, ELU, heap, RSS) and whether a limit is exceeded. */
  readonly pressure: PressureState
  /** Drains the app's lifecycle: readiness answers 503 from now on, for good, whatever the checks say. Idempotent. */
  drain: () => void
  /** `false` holds readiness at 503 (logging `reason`) until `setReady(true)`; ignored once draining. */
  setReady: (ready: boolean, reason?: string) => void
  /** Where the probe listener is bound (with `port`: from `onReady` until `onClose`); `null` otherwise. */
  readonly address: { address: string, port: number } | null
  /** Adds a dependency check; throws `FP_ERR_HEALTH_CHECK` for a bad or duplicate name or options. */
  addCheck: (name: string, check: HealthCheckFunction, options?: HealthCheckOptions) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthDecorator
  }
}
