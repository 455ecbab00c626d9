import { defineCapability } from './capability.js'

/** A prom-client counter as the suite uses it. */
export interface CounterLike {
  inc: (labels?: Record<string, string>, value?: number) => void
}

/** What @fastify-production/metrics offers: counters for the other packages, the registry for cluster. */
export interface MetricsCapability {
  /** A counter on the app's registry; the same one when called twice with the same name. */
  counter: (config: { name: string, help: string, labelNames: string[] }) => CounterLike
  /** The registry's metrics as JSON, as prom-client's `getMetricsAsJSON()` gives them. */
  metricsAsJson: () => Promise<unknown[]>
}

/** What @fastify-production/logging offers: more keys whose values every log line masks. */
export interface LoggingCapability {
  redactKeys: (keys: string[]) => void
}

/** What @fastify-production/shutdown offers: that it owns the signals and the exit. */
export interface ShutdownCapability {
  /** Starts the shutdown sequence, as a signal would. */
  trigger: (reason: string) => void
}

export const MetricsCap = defineCapability<MetricsCapability>('metrics')
export const LoggingCap = defineCapability<LoggingCapability>('logging')
export const ShutdownCap = defineCapability<ShutdownCapability>('shutdown')
