import { createServer } from 'node:http'
import { closeListener, listen } from '@fastify-production/core'
import { codes } from './errors.js'
import type { Log } from './log.js'
import type { WorkerMetrics } from './messages.js'
import type { ResolvedClusterOptions } from './options.js'

/** What the aggregated /metrics needs from the primary. */
export interface MetricsSource {
  readonly alive: number
  readonly restarts: number
  /** Each answering worker's `registry.getMetricsAsJSON()` with its slot; workers that are starting, dead or slow are left out. */
  collect: () => Promise<WorkerMetrics[]>
}

export interface MetricsServer {
  readonly port: number
  close: () => Promise<void>
}

type PromClient = typeof import('prom-client')
interface MetricJson { aggregator?: string, values: Array<{ labels: Record<string, unknown> }> }

/** The primary's own metrics, as prom-client's `getMetricsAsJSON()` would give them. */
export function clusterMetrics (source: Pick<MetricsSource, 'alive' | 'restarts'>): unknown[] {
  return [
    { name: 'cluster_workers_alive', help: 'Worker processes alive (starting, serving or draining)', type: 'gauge', aggregator: 'sum', values: [{ value: source.alive, labels: {} }] },
    { name: 'cluster_worker_restarts_total', help: 'Workers restarted after an unexpected exit', type: 'counter', aggregator: 'sum', values: [{ value: source.restarts, labels: {} }] }
  ]
}

/**
 * One worker's metrics ready for prom-client's `AggregatorRegistry.aggregate`. `worker` (the metrics
 * package's rule for a gauge that must not be added up: a start time, a heap limit) is not one of
 * prom-client's aggregators: its series get the worker's slot as a `worker` label, which keeps them
 * apart, so `sum` leaves each as it is. A metric without `aggregator` is summed, as prom-client's docs say.
 */
export function labelWorker ({ worker, metrics }: WorkerMetrics): unknown[] {
  return metrics.map((metric) => {
    const m = metric as MetricJson
    if (m.aggregator === 'worker') return { ...m, aggregator: 'sum', values: m.values.map((v) => ({ ...v, labels: { ...v.labels, worker } })) }
    return m.aggregator === undefined ? { ...m, aggregator: 'sum' } : m
  })
}

/** GET /metrics on the primary: every worker's registry, each metric by its aggregation rule, plus cluster metrics. */
export async function startMetricsServer (source: MetricsSource, opts: Pick<ResolvedClusterOptions, 'metricsHost'> & { metricsPort: number }, log: Log, load: () => Promise<PromClient> = async () => await import('prom-client')): Promise<MetricsServer> {
  let prom: PromClient
  try {
    prom = await load()
  } catch (err) {
    throw new codes.FP_ERR_CLUSTER_PROM_CLIENT((err as Error).message)
  }

  const render = async (): Promise<string> => {
    const workers = [...await source.collect(), { worker: 'primary', metrics: clusterMetrics(source) }]
    const aggregated = prom.AggregatorRegistry.aggregate(workers.map(labelWorker) as Parameters<typeof prom.AggregatorRegistry.aggregate>[0])
    return await aggregated.metrics()
  }

  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n')
      return
    }
    render().then((body) => {
      res.writeHead(200, { 'content-type': prom.Registry.PROMETHEUS_CONTENT_TYPE }).end(body)
    }, (err: unknown) => {
      log.error({ err }, 'primary: aggregating worker metrics failed')
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics aggregation failed\n')
    })
  })
  const { port } = await listen(server, opts.metricsPort, opts.metricsHost, codes.FP_ERR_CLUSTER_METRICS_LISTEN)
  log.info({ port, host: opts.metricsHost }, `primary: aggregated metrics on http://${opts.metricsHost}:${port}/metrics`)
  return {
    port,
    close: async () => { await closeListener(server) }
  }
}
