import { defineCapability } from './capability.js'

/** A prom-client counter as the suite uses it. */
export interface CounterLike {
  inc: (labels?: Record<string, string>, value?: number) => void
}

/** A prom-client histogram as the suite uses it (values in the metric's unit, seconds for durations). */
export interface HistogramLike {
  observe: (labels: Record<string, string>, value: number) => void
}

/** A prom-client gauge as the suite uses it. */
export interface GaugeLike {
  set: (labels: Record<string, string>, value: number) => void
}

/** One worker's registry as JSON (`getMetricsAsJSON()`), with the value of the `worker` label its per-worker metrics get (its slot). */
export interface WorkerMetrics {
  worker: string
  metrics: unknown[]
}

/** What @fastify-production/metrics offers: metrics for the other packages, the registry for cluster. */
export interface MetricsCapability {
  /** A counter on the app's registry; the same one when called twice with the same name. */
  counter: (config: { name: string, help: string, labelNames: string[] }) => CounterLike
  /** A histogram on the app's registry (the registry's default buckets unless given); the same one when asked twice. */
  histogram: (config: { name: string, help: string, labelNames: string[], buckets?: number[] }) => HistogramLike
  /**
   * A gauge on the app's registry; the same one when asked twice. `collect` runs at each scrape, so a
   * value that changes with every request (a queue depth) is read when asked rather than set each time.
   */
  gauge: (config: { name: string, help: string, labelNames: string[], collect?: (set: GaugeLike['set']) => void }) => GaugeLike
  /** The registry's metrics as JSON, as prom-client's `getMetricsAsJSON()` gives them. */
  metricsAsJson: () => Promise<unknown[]>
  /**
   * In a cluster worker (called by @fastify-production/cluster): from then on every scrape of this
   * app serves every worker's metrics, each by its aggregation rule. Optional: an older metrics
   * package has none, and cluster then leaves each worker's endpoint its own.
   */
  aggregateWith?: (collect: () => Promise<WorkerMetrics[]>) => void
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

/** A readiness check as @fastify-production/health runs it: bounded by `timeout`, shared, in parallel with the others. */
export type HealthCheck = (signal: AbortSignal) => unknown

/** What @fastify-production/health offers: readiness checks added by the other packages. */
export interface HealthCapability {
  /**
   * Adds a check to readiness and startup. A failing `critical` check makes readiness 503; a
   * non-critical one only reports `degraded`. Throws `FP_ERR_HEALTH_CHECK` for a taken name.
   */
  addCheck: (name: string, check: HealthCheck, options?: { timeout?: number, critical?: boolean }) => void
}

export const MetricsCap = defineCapability<MetricsCapability>('metrics')
export const LoggingCap = defineCapability<LoggingCapability>('logging')
export const ShutdownCap = defineCapability<ShutdownCapability>('shutdown')
export const HealthCap = defineCapability<HealthCapability>('health')
