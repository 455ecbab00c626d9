import { Gauge, type Registry } from 'prom-client'
import type { Lifecycle, LifecycleState } from '@fastify-production/core'

const STATES: readonly LifecycleState[] = ['starting', 'ready', 'draining', 'closing', 'closed']

/** `app_lifecycle_state{state}`: 1 for the state the app is in, 0 for the others. Returns what unsubscribes. */
export function lifecycleStateGauge (registry: Registry, prefix: string, lifecycle: Lifecycle): () => void {
  const gauge = new Gauge({
    name: `${prefix}app_lifecycle_state`,
    help: 'The app\'s lifecycle state: 1 for the current one of starting, ready, draining, closing, closed.',
    labelNames: ['state'],
    registers: [registry]
  })
  function show (current: LifecycleState): void {
    for (const state of STATES) gauge.set({ state }, state === current ? 1 : 0)
  }
  show(lifecycle.state)
  return lifecycle.on(show)
}
