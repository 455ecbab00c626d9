import type { HealthCheckFunction, HealthCheckOptions } from './options.js'
import type { HealthState } from './lifecycle.js'
import type { PressureState } from './pressure.js'

/** `fastify.health`: readiness control and the current load. */
export interface HealthDecorator {
  /** `starting` → `ready` → `draining` → `closing` → `closed`. Liveness is 200 in every state. */
  readonly state: HealthState
  /** The last pressure sample (event-loop delay, ELU, heap, RSS) and whether a limit is exceeded. */
  readonly pressure: PressureState
  /** Readiness answers 503 from now on, for good, whatever the checks say. Idempotent; the shutdown package calls it. */
  drain: () => void
  /** `false` holds readiness at 503 (logging `reason`) until `setReady(true)`; ignored once draining. */
  setReady: (ready: boolean, reason?: string) => void
  /** Adds a dependency check; throws `FP_ERR_HEALTH_CHECK` for a bad or duplicate name or options. */
  addCheck: (name: string, check: HealthCheckFunction, options?: HealthCheckOptions) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthDecorator
  }
  interface FastifyContextConfig {
    /** `false`: this route is never shed under pressure (probes, /metrics). */
    loadShedding?: false
  }
}
