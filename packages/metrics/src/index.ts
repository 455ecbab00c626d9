import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import type { Server } from 'node:http'
import { Counter, Gauge, Histogram, Registry, type Metric } from 'prom-client'
import { resolveOptions, type MetricsOptions } from './options.js'
import { RequestHistogram } from './request-histogram.js'
import { installHttpMetrics } from './http-metrics.js'
import { collectProcessMetrics } from './process-metrics.js'
import { metricDeclarer, type FastifyMetrics } from './custom-metrics.js'
import { HeapSnapshots } from './heap-snapshot.js'
import { closeListener, lifecycle, listen, MetricsCap, problems, provide, type CounterLike, type MetricsCapability } from '@fastify-production/core'
import { declareAggregation, renderAggregate, type Aggregation, type WorkerMetrics } from './aggregation.js'
import { addRoutes, buildEndpoints, createEndpointServer, HEAP_SNAPSHOT_PATH } from './endpoint.js'
import { assertNoOtherMetrics } from './coexistence.js'
import { lifecycleStateGauge } from './lifecycle-state.js'
import { codes } from './errors.js'

// No `declare module 'fastify'` for `fastify.metrics`: fastify-metrics declares the same property with
// its own type, and two declarations break the app's type check. Apps declare it (see the README).

/** Core's optional `aggregateWith`, which this package always provides (cluster calls it in a worker). */
export interface ClusterAggregation {
  aggregateWith: (collect: () => Promise<WorkerMetrics[]>) => void
}

const counterLikes = new WeakMap<Counter, CounterLike>()

/** The capability's view of a counter: one object per counter, so asking twice gives the same one. */
function counterLike (counter: Counter): CounterLike {
  let found = counterLikes.get(counter)
  if (found === undefined) {
    found = { inc: (labels, value) => { if (labels === undefined) counter.inc(value); else counter.inc(labels, value) } }
    counterLikes.set(counter, found)
  }
  return found
}

const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async function metrics (fastify, options) {
  const opts = resolveOptions(options)
  const registry = opts.registry ?? new Registry()
  const declare = metricDeclarer(registry, opts.prefix)
  // First, so registering this package twice fails as that (FP_ERR_CORE_CAPABILITY_TAKEN), not as a foreign plugin.
  // Set by @fastify-production/cluster in a worker: every scrape then serves all workers' metrics.
  let aggregateFrom: (() => Promise<WorkerMetrics[]>) | undefined
  const capability: MetricsCapability & ClusterAggregation = {
    counter: (config) => counterLike(declare<Counter>(Counter, config)),
    histogram: (config) => {
      const histogram = declare<Histogram>(Histogram, config)
      return { observe: (labels, value) => { histogram.observe(labels, value) } }
    },
    gauge: ({ collect, ...config }) => {
      // prom-client calls `collect` with the gauge as `this` before each scrape.
      const atScrape = collect === undefined ? {} : { collect (this: Gauge) { collect((labels, value) => { this.set(labels, value) }) } }
      // A package's gauge (a breaker state, a queue depth) is per worker in a cluster unless it says how to add up.
      const perWorker: { aggregator: Aggregation } = { aggregator: 'worker' }
      const gauge = declare<Gauge>(Gauge, { ...perWorker, ...config, ...atScrape })
      return { set: (labels, value) => { gauge.set(labels, value) } }
    },
    metricsAsJson: () => registry.getMetricsAsJSON(),
    aggregateWith: (collect) => { aggregateFrom = collect }
  }
  provide(fastify, MetricsCap, capability, '@fastify-production/metrics')
  assertNoOtherMetrics(fastify, false)
  // A registry given in outlives the app: what this app adds to it is removed on close.
  const foreign = new Set(registry.getMetricsAsArray().map((m) => m.name))
  for (const name of ['http_request_duration_seconds', 'http_requests_in_flight', 'http_metrics_label_sets_overflow_total']) {
    if (registry.getSingleMetric(`${opts.prefix}${name}`) !== undefined) {
      throw new codes.FP_ERR_METRICS_NAME_TAKEN(`${opts.prefix}${name}`, '(is the same registry given to two apps? Give each its own, or a different prefix)')
    }
  }

  const overflow = new Counter({
    name: `${opts.prefix}http_metrics_label_sets_overflow_total`,
    help: 'Observations recorded in an overflow series because the metric reached its label-set cap (maxLabelSets).',
    labelNames: ['metric'],
    registers: [registry]
  })
  const histogram = new RequestHistogram(
    `${opts.prefix}http_request_duration_seconds`,
    'Duration of HTTP requests in seconds, by method, route template and status code.',
    opts.buckets,
    opts.maxLabelSets,
    overflow
  )
  // At 0 from the start: a counter that first appears at N reads 0 with increase(), so the first burst would go unseen.
  overflow.inc({ metric: histogram.name }, 0)
  // Not a prom-client class but the same contract the registry reads: name, type, get(), reset().
  registry.registerMetric(histogram as unknown as Metric)
  const http = installHttpMetrics(fastify, histogram)
  new Gauge({ // eslint-disable-line no-new
    name: `${opts.prefix}http_requests_in_flight`,
    help: 'HTTP requests received and not yet answered.',
    registers: [registry],
    collect () { this.set(http.inFlight()) }
  })

  const stopLifecycleGauge = lifecycleStateGauge(registry, opts.prefix, lifecycle(fastify))
  const stopProcessMetrics = opts.defaultMetrics ? collectProcessMetrics(registry, opts.prefix) : undefined
  declareAggregation(registry, opts.prefix)

  const snapshots = opts.heapSnapshotDir === undefined ? undefined : new HeapSnapshots(opts.heapSnapshotDir)
  const writer = problems(fastify)
  const endpoints = buildEndpoints(opts, registry, snapshots, writer, async () => {
    const collect = aggregateFrom
    return collect === undefined ? await registry.metrics() : await renderAggregate(await collect(), registry.contentType)
  })
  if (opts.token === undefined && opts.port === undefined) {
    fastify.log.warn({ path: opts.path }, `metrics endpoint ${opts.path} is open to anyone who can reach the app: set \`token\` or \`port\` before production`)
  }
  if (snapshots !== undefined) fastify.log.info({ dir: opts.heapSnapshotDir }, `heap snapshots enabled: POST ${HEAP_SNAPSHOT_PATH}`)

  let server: Server | undefined
  let address: FastifyMetrics['address'] = null
  if (opts.port === undefined) {
    addRoutes(fastify, opts.path, endpoints, writer)
  } else {
    const port = opts.port
    fastify.addHook('onReady', async function startMetricsListener () {
      server = createEndpointServer(opts.path, endpoints, fastify.log)
      const bound = await listen(server, port, opts.host, codes.FP_ERR_METRICS_LISTEN)
      address = { address: bound.address, port: bound.port }
      fastify.log.info({ address }, 'metrics listener started')
    })
  }

  const decorator: FastifyMetrics = {
    registry,
    counter: (config) => declare(Counter, config),
    gauge: (config) => declare(Gauge, config),
    histogram: (config) => declare(Histogram, config),
    get address () { return address }
  }
  // The property name typed as a plain string: fastify-metrics' declaration of `metrics` may be in the program.
  fastify.decorate<FastifyMetrics, string>('metrics', decorator)
  // A metrics plugin registered after this one: fastify-metrics adds its scrape route while it
  // registers, so refusing at onRoute comes before Fastify's duplicate-route or -decorator error.
  fastify.addHook('onRoute', function refuseLaterMetricsPlugin () {
    assertNoOtherMetrics(this, true)
  })
  fastify.addHook('onReady', function refuseLaterMetricsPluginAtReady (done) {
    assertNoOtherMetrics(this, true)
    done()
  })

  fastify.addHook('onClose', async function stopMetrics () {
    stopLifecycleGauge()
    stopProcessMetrics?.()
    if (server !== undefined) {
      await closeListener(server)
      address = null
    }
    await snapshots?.idle()
    if (opts.registry !== undefined) {
      for (const m of registry.getMetricsAsArray()) if (!foreign.has(m.name)) registry.removeSingleMetric(m.name)
    }
  })
}

/** Prometheus RED metrics with bounded cardinality, process metrics and a protected scrape endpoint. */
export const metrics = fp(metricsPlugin, { fastify: '5.x', name: '@fastify-production/metrics' })
export default metrics

export type { MetricsOptions } from './options.js'
export type { FastifyMetrics, MetricConfig } from './custom-metrics.js'
export { DEFAULT_BUCKETS } from './options.js'
export { UNMATCHED_ROUTE, OVERFLOW_LABEL } from './request-histogram.js'
export { codes } from './errors.js'
export { AGGREGATION, type Aggregation, type WorkerMetrics } from './aggregation.js'
