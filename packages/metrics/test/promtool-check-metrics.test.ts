import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { find, MetricsCap, type MetricsCapability } from '@fastify-production/core'
import metrics, { type ClusterAggregation, type MetricsOptions } from '../src/index.js'
import { requirePromtool, runPromtool, skipWithoutPromtool } from './promtool.js'

requirePromtool(t)

async function app (options: MetricsOptions): Promise<FastifyInstance> {
  const fastify = Fastify()
  await fastify.register(metrics, options)
  fastify.get('/orders/:id', async (request, reply) => reply.code(Number((request.query as { s?: string }).s ?? 200)).send('ok'))
  // Traffic of every kind: answered, failed, unmatched, folded into the overflow series.
  for (const s of [200, 201, 404, 500, 503]) await fastify.inject(`/orders/1?s=${s}`)
  await fastify.inject('/nowhere')
  fastify.metrics.gauge({ name: 'queue_depth', help: 'Queued jobs', aggregator: 'worker' }).set(3)
  return fastify
}

const configurations: Array<[string, MetricsOptions]> = [
  ['the defaults', {}],
  ['a prefix', { prefix: 'orders_' }],
  ['no default metrics', { defaultMetrics: false }],
  ['a label-set cap reached', { maxLabelSets: 2 }]
]

t.test('promtool check metrics finds nothing to say about a real scrape', { skip: skipWithoutPromtool }, async (t) => {
  for (const [name, options] of configurations) {
    const fastify = await app(options)
    t.teardown(() => fastify.close())
    const body = (await fastify.inject('/metrics')).body
    const { code, output } = await runPromtool(['check', 'metrics'], body)
    t.equal(code, 0, `${name}: exit 0`)
    t.equal(output, '', `${name}: no lint`)
  }
})

t.test('promtool check metrics: the same for the cluster\'s aggregated scrape (per-worker series with a `worker` label)', { skip: skipWithoutPromtool }, async (t) => {
  const workers = [await app({}), await app({})]
  t.teardown(() => Promise.all(workers.map(async (w) => { await w.close() })))
  const caps = workers.map((w) => find(w, MetricsCap) as MetricsCapability & ClusterAggregation)
  caps[0]?.aggregateWith(async () => await Promise.all(caps.map(async (c, i) => ({ worker: String(i), metrics: await c.metricsAsJson() }))))
  const body = (await workers[0]?.inject('/metrics'))?.body as string
  t.match(body, /process_start_time_seconds\{worker="1"\}/)
  const { code, output } = await runPromtool(['check', 'metrics'], body)
  t.equal(code, 0)
  t.equal(output, '')
})
