import { Counter, Gauge, Histogram, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration, type Registry } from 'prom-client'
import type { Aggregation } from './aggregation.js'
import { codes } from './errors.js'

/**
 * A metric declaration for the `fastify.metrics` helpers: prom-client's, without `registers`;
 * `aggregator` also takes `'worker'` (one series per cluster worker, see the README).
 */
export type MetricConfig<C> = Omit<C, 'registers' | 'aggregator'> & {
  /** How @fastify-production/cluster adds this metric up over its workers. @default 'sum' */
  aggregator?: Aggregation
}

export interface FastifyMetrics {
  /** This app's prom-client Registry: what the scrape endpoint serves. */
  readonly registry: Registry
  /** Declares a counter on the registry, or returns the one already declared under that name. The name gets the `prefix`. */
  counter: <T extends string = string>(config: MetricConfig<CounterConfiguration<T>>) => Counter<T>
  /** Declares a gauge on the registry, or returns the one already declared under that name. The name gets the `prefix`. */
  gauge: <T extends string = string>(config: MetricConfig<GaugeConfiguration<T>>) => Gauge<T>
  /** Declares a histogram on the registry, or returns the one already declared under that name. The name gets the `prefix`. */
  histogram: <T extends string = string>(config: MetricConfig<HistogramConfiguration<T>>) => Histogram<T>
  /** With `port`: the address the metrics listener is bound to once the app is ready; otherwise null. */
  readonly address: { address: string, port: number } | null
}

type MetricClass = typeof Counter | typeof Gauge | typeof Histogram

/** `declare(Counter, cfg)`: create and register, or return the existing metric of that name and type. */
export function metricDeclarer (registry: Registry, prefix: string) {
  return function declare<M> (Kind: MetricClass, config: { name: string }): M {
    const name = `${prefix}${config.name}`
    const existing: unknown = registry.getSingleMetric(name)
    if (existing !== undefined) {
      if (existing instanceof Kind) return existing as M
      throw new codes.FP_ERR_METRICS_NAME_TAKEN(name, `as another kind of metric than the ${Kind.name.toLowerCase()} asked for`)
    }
    return new Kind({ ...config, name, registers: [registry] } as never) as M
  }
}
