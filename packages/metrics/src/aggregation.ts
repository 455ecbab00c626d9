import { AggregatorRegistry, type Registry } from 'prom-client'
import type { WorkerMetrics } from '@fastify-production/core'

export type { WorkerMetrics }

/**
 * How one metric of several worker processes becomes one: prom-client's aggregators (`sum`,
 * `first`, `min`, `max`, `average`, `omit`) or `worker`: each worker's series, with a `worker` label
 * naming its slot (0, 1, ...; a replacement takes the slot of the worker it replaces).
 */
export type Aggregation = 'sum' | 'first' | 'min' | 'max' | 'average' | 'omit' | 'worker'

/**
 * The rule of each gauge this package exports (names without the prefix). Counters and histograms
 * add up (prom-client's default, `sum`); a gauge never does unless adding it means something: a
 * limit, a ratio, a percentile or a start time summed over workers is a number no process has.
 */
export const AGGREGATION: Readonly<Record<string, Aggregation>> = Object.freeze({
  http_requests_in_flight: 'sum',
  app_lifecycle_state: 'worker',
  process_start_time_seconds: 'worker',
  process_resident_memory_bytes: 'sum',
  process_virtual_memory_bytes: 'sum',
  process_heap_bytes: 'sum',
  process_open_fds: 'worker',
  process_max_fds: 'worker',
  nodejs_active_handles: 'sum',
  nodejs_active_requests: 'sum',
  nodejs_active_resources: 'sum',
  nodejs_heap_size_total_bytes: 'worker',
  nodejs_heap_size_used_bytes: 'worker',
  nodejs_heap_size_limit_bytes: 'worker',
  nodejs_external_memory_bytes: 'sum',
  nodejs_heap_space_size_total_bytes: 'sum',
  nodejs_heap_space_size_used_bytes: 'sum',
  nodejs_heap_space_size_available_bytes: 'sum',
  nodejs_version_info: 'first',
  nodejs_eventloop_lag_seconds: 'max',
  nodejs_eventloop_lag_min_seconds: 'min',
  nodejs_eventloop_lag_max_seconds: 'max',
  nodejs_eventloop_lag_mean_seconds: 'average',
  nodejs_eventloop_lag_stddev_seconds: 'max',
  nodejs_eventloop_lag_p50_seconds: 'max',
  nodejs_eventloop_lag_p90_seconds: 'max',
  nodejs_eventloop_lag_p99_seconds: 'max',
  nodejs_eventloop_utilization_ratio: 'worker'
})

/** Sets each metric's `aggregator` (what `getMetricsAsJSON()` carries to the cluster's primary). */
export function declareAggregation (registry: Registry, prefix: string): void {
  for (const [name, rule] of Object.entries(AGGREGATION)) {
    const metric = registry.getSingleMetric(`${prefix}${name}`) as { aggregator: string } | undefined
    if (metric !== undefined) metric.aggregator = rule
  }
}

interface MetricJson { aggregator?: string, values: Array<{ labels: Record<string, unknown> }> }

/**
 * One worker's metrics ready for prom-client's `AggregatorRegistry.aggregate`: a `worker` metric's
 * series get the worker's label, which makes them distinct, so summing leaves each as it is; a
 * metric without `aggregator` (this package's request histogram) is summed.
 */
export function labelWorker ({ worker, metrics }: WorkerMetrics): unknown[] {
  return metrics.map((metric) => {
    const m = metric as MetricJson
    if (m.aggregator === 'worker') return { ...m, aggregator: 'sum', values: m.values.map((v) => ({ ...v, labels: { ...v.labels, worker } })) }
    return m.aggregator === undefined ? { ...m, aggregator: 'sum' } : m
  })
}

/** Every worker's metrics, each by its rule, in the exposition format of `contentType`. */
export async function renderAggregate (workers: WorkerMetrics[], contentType: string): Promise<string> {
  // The JavaScript takes the registry's content type second; prom-client's types leave it out.
  const aggregate = AggregatorRegistry.aggregate as unknown as (metrics: unknown[][], contentType: string) => Registry
  return await aggregate(workers.map(labelWorker), contentType).metrics()
}
