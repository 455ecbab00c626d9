import type { MetricsCapability } from '@fastify-production/core'
import type { CallOutcome, Dependency } from './dependency.js'

const OUTCOMES: CallOutcome[] = ['ok', 'answer', 'failure', 'timeout', 'circuit_open', 'cancelled']
const STATES = ['closed', 'open', 'half-open'] as const

/** Seconds: from a cache hit (ms) to a call at the default deadline (5 s) and past it. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export interface Telemetry {
  observe: (outcome: CallOutcome, seconds: number) => void
  retried: () => void
}

/**
 * The metrics of a dependency's calls: duration by outcome, retries, breaker state and up, the last
 * two read at scrape time. Label objects are made once here, so a call allocates none.
 */
export function telemetry (metrics: MetricsCapability, all: () => Iterable<[string, Dependency]>): (name: string) => Telemetry {
  const duration = metrics.histogram({
    name: 'dependency_call_duration_seconds',
    help: 'Outbound calls to dependencies, retries included, by dependency and outcome (ok, answer, failure, timeout, circuit_open, cancelled).',
    labelNames: ['dependency', 'outcome'],
    buckets: BUCKETS
  })
  const retries = metrics.counter({ name: 'dependency_retries_total', help: 'Attempts of outbound calls retried, by dependency.', labelNames: ['dependency'] })
  metrics.gauge({
    name: 'dependency_circuit_state',
    help: 'Circuit breaker state of each dependency: 1 for the current state (closed, open, half-open), 0 for the others.',
    labelNames: ['dependency', 'state'],
    collect (set) {
      for (const [name, dep] of all()) {
        const current = dep.circuit
        if (current === 'disabled') continue
        for (const state of STATES) set({ dependency: name, state }, state === current ? 1 : 0)
      }
    }
  })
  metrics.gauge({
    name: 'dependency_up',
    help: 'Whether each dependency is connected and its circuit is not open (1) or not (0).',
    labelNames: ['dependency'],
    collect (set) {
      for (const [name, dep] of all()) set({ dependency: name }, dep.status === 'up' && dep.circuit !== 'open' ? 1 : 0)
    }
  })
  return (name) => {
    const labels = new Map(OUTCOMES.map((outcome) => [outcome, { dependency: name, outcome }]))
    const retryLabels = { dependency: name }
    return {
      observe: (outcome, seconds) => { duration.observe(labels.get(outcome) as Record<string, string>, seconds) },
      retried: () => { retries.inc(retryLabels) }
    }
  }
}
