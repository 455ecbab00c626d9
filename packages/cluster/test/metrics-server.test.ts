import t from 'tap'
import { Registry, Counter, Gauge, Histogram } from 'prom-client'
import { freePort } from '@fastify-production/test-support/free-port'
import { startMetricsServer, type MetricsSource } from '../src/metrics-server.js'
import type { WorkerMetrics } from '../src/messages.js'
import { createLog } from '../src/log.js'
import { resolveOptions } from '../src/options.js'

async function workerRegistry (worker: string, requests: number): Promise<WorkerMetrics> {
  const registry = new Registry()
  const counter = new Counter({ name: 'requests_total', help: 'requests', labelNames: ['route'], registers: [registry] })
  counter.inc({ route: '/a' }, requests)
  const histogram = new Histogram({ name: 'duration_seconds', help: 'duration', buckets: [0.1, 1], registers: [registry] })
  histogram.observe(0.05)
  const started = new Gauge({ name: 'start_time_seconds', help: 'start', labelNames: ['kind'], registers: [registry] })
  started.set({ kind: 'process' }, requests * 100)
  new Gauge({ name: 'limit_bytes', help: 'limit', aggregator: 'max', registers: [registry] }).set(requests)
  const json = await registry.getMetricsAsJSON() as unknown as Array<Record<string, unknown>>
  // A metric without `aggregator` is summed; `worker` (not one of prom-client's) keeps one series per worker.
  const metrics = json.map(({ aggregator, ...rest }) => rest.name === 'start_time_seconds' ? { ...rest, aggregator: 'worker' } : rest.name === 'limit_bytes' ? { ...rest, aggregator } : rest)
  return { worker, metrics }
}

// Where startMetricsServer listens: the port given, on the option's default host.
const listenAt = (metricsPort: number): { metricsPort: number, metricsHost: string } => ({ metricsPort, metricsHost: resolveOptions({}, {}).metricsHost })

t.test('adds up every worker\'s registry by each metric\'s rule and adds the cluster metrics', async (t) => {
  const lines: string[] = []
  const opts = listenAt(await freePort())
  let restarts = 2
  const source: MetricsSource = {
    alive: 2,
    get restarts () { return restarts },
    collect: async () => [await workerRegistry('0', 3), await workerRegistry('1', 4)]
  }
  const server = await startMetricsServer(source, opts, createLog('info', (l) => { lines.push(l) }))
  t.teardown(() => server.close())
  t.equal(server.port, opts.metricsPort)
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics?x=1`)).text()
  t.match(text, /requests_total\{route="\/a"\} 7/)
  t.match(text, /duration_seconds_count 2/)
  t.match(text, /start_time_seconds\{kind="process",worker="0"\} 300\nstart_time_seconds\{kind="process",worker="1"\} 400\n/, 'per worker, labelled with its slot')
  t.match(text, /\nlimit_bytes 4\n/, 'max')
  t.match(text, /cluster_workers_alive 2/)
  t.match(text, /cluster_worker_restarts_total 2/)
  restarts = 5
  t.match(await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text(), /cluster_worker_restarts_total 5/, 'the counter follows')
  t.match(lines.join(''), /aggregated metrics on http:\/\/127.0.0.1:\d+\/metrics/)
  const post = await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })
  t.equal(post.status, 404)
})

t.test('a metric the aggregator cannot handle answers 500 and logs the error', async (t) => {
  const lines: string[] = []
  const opts = listenAt(0)
  const source: MetricsSource = { alive: 1, restarts: 0, collect: async () => [{ worker: '0', metrics: [{ name: 'x', help: 'x', type: 'gauge', values: [], aggregator: 'no-such' }] }] }
  const server = await startMetricsServer(source, opts, createLog('info', (l) => { lines.push(l) }))
  t.teardown(() => server.close())
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`)
  t.equal(res.status, 500)
  t.match(lines.join(''), /aggregating worker metrics failed/)
})

t.test('without prom-client: FP_ERR_CLUSTER_PROM_CLIENT', async (t) => {
  const opts = listenAt(0)
  const source: MetricsSource = { alive: 0, restarts: 0, collect: async () => [] }
  await t.rejects(startMetricsServer(source, opts, createLog('silent'), async () => { throw new Error('Cannot find package \'prom-client\'') }),
    { code: 'FP_ERR_CLUSTER_PROM_CLIENT', message: /Cannot find package 'prom-client'/ })
})

t.test('a metricsPort already taken rejects with FP_ERR_CLUSTER_METRICS_LISTEN, the listen error as its cause', async (t) => {
  const opts = listenAt(0)
  const source: MetricsSource = { alive: 0, restarts: 0, collect: async () => [] }
  const first = await startMetricsServer(source, opts, createLog('silent'))
  t.teardown(() => first.close())
  await t.rejects(startMetricsServer(source, { ...opts, metricsPort: first.port }, createLog('silent')), {
    code: 'FP_ERR_CLUSTER_METRICS_LISTEN',
    message: new RegExp(`^The primary's metrics listener cannot listen on 127\\.0\\.0\\.1:${first.port}: .*EADDRINUSE.*Give \`metricsPort\` a free port`),
    cause: { code: 'EADDRINUSE' }
  })
})
