import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { codes } from './errors.js'
import type { Log } from './log.js'
import type { ResolvedClusterOptions } from './options.js'

/** What the aggregated /metrics needs from the primary. */
export interface MetricsSource {
  readonly alive: number
  readonly restarts: number
  /** Each answering worker's `registry.getMetricsAsJSON()`; workers that are starting, dead or slow are left out. */
  collect: () => Promise<unknown[][]>
}

export interface MetricsServer {
  readonly port: number
  close: () => Promise<void>
}

type PromClient = typeof import('prom-client')
interface MetricJson { aggregator?: string }

/** GET /metrics on the primary: every worker's registry summed (prom-client's AggregatorRegistry) plus cluster gauges. */
export async function startMetricsServer (source: MetricsSource, opts: ResolvedClusterOptions, log: Log, load: () => Promise<PromClient> = async () => await import('prom-client')): Promise<MetricsServer> {
  let prom: PromClient
  try {
    prom = await load()
  } catch (err) {
    throw new codes.FP_ERR_CLUSTER_PROM_CLIENT((err as Error).message)
  }
  const own = new prom.Registry()
  // eslint-disable-next-line no-new -- registered on `own`, read through it
  new prom.Gauge({ name: 'cluster_workers_alive', help: 'Worker processes alive (starting, serving or draining)', registers: [own], collect () { this.set(source.alive) } })
  let counted = 0
  // eslint-disable-next-line no-new -- registered on `own`, read through it
  new prom.Counter({
    name: 'cluster_worker_restarts_total',
    help: 'Workers restarted after an unexpected exit',
    registers: [own],
    collect () {
      if (source.restarts > counted) this.inc(source.restarts - counted)
      counted = source.restarts
    }
  })

  const render = async (): Promise<string> => {
    // prom-client's aggregate() throws on a metric without `aggregator`; summing is what its docs promise.
    const perWorker = (await source.collect()).map((metrics) => metrics.map((m) => (m as MetricJson).aggregator === undefined ? { ...(m as object), aggregator: 'sum' } : m))
    const aggregated = prom.AggregatorRegistry.aggregate(perWorker as Parameters<typeof prom.AggregatorRegistry.aggregate>[0])
    return (await aggregated.metrics()) + (await own.metrics())
  }

  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n')
      return
    }
    render().then((body) => {
      res.writeHead(200, { 'content-type': own.contentType }).end(body)
    }, (err: unknown) => {
      log.error({ err }, 'primary: aggregating worker metrics failed')
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics aggregation failed\n')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.metricsPort, opts.metricsHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  log.info({ port, host: opts.metricsHost }, `primary: aggregated metrics on http://${opts.metricsHost}:${port}/metrics`)
  return {
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        server.closeAllConnections()
      })
    }
  }
}
