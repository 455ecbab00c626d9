import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import { find, MetricsCap, type MetricsCapability } from '@fastify-production/core'
import metrics, { AGGREGATION, type ClusterAggregation, type FastifyMetrics, type WorkerMetrics } from '../src/index.js'
import { parseExposition, type Sample } from './exposition.js'

interface MetricJson { name: string, type: string, aggregator?: string, values: Array<{ labels: Record<string, string | number>, value: number, metricName?: string }> }

const key = (labels: Record<string, string | number>): string => JSON.stringify(Object.entries(labels).map(([k, v]) => [k, String(v)]).sort())

const RULES: Record<string, (values: number[]) => number> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  max: (v) => Math.max(...v),
  min: (v) => Math.min(...v),
  average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  first: (v) => v[0] as number
}

async function worker (requests: number): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(metrics)
  app.get('/orders/:id', async () => 'ok')
  for (let i = 0; i < requests; i++) await app.inject(`/orders/${i}`)
  return app
}

t.test('with aggregateWith (what the cluster sets in a worker), the scrape serves every worker, each metric by its rule', async (t) => {
  const apps = [await worker(2), await worker(3)]
  t.teardown(() => Promise.all(apps.map(async (a) => { await a.close() })))
  const caps = apps.map((a) => find(a, MetricsCap) as MetricsCapability & ClusterAggregation)
  caps.forEach((cap, i) => {
    // A package's gauge (per worker unless it says otherwise), a user's gauge with its own rule.
    cap.gauge({ name: 'breaker_state', help: 'state', labelNames: ['dependency'] }).set({ dependency: 'db' }, i + 1)
    ;(apps[i]?.metrics as FastifyMetrics).gauge({ name: 'queue_limit', help: 'limit', aggregator: 'max' }).set(10 * (i + 1))
    ;(apps[i]?.metrics as FastifyMetrics).gauge({ name: 'queue_start_time_seconds', help: 'start', aggregator: 'worker' }).set(100 + i)
    // A metric of the registry's interface that declares no aggregator (as prom-client allows): summed.
    const custom = { name: 'custom_jobs_total', help: 'jobs', type: 'counter', get: async () => ({ name: 'custom_jobs_total', help: 'jobs', type: 'counter', values: [{ value: i + 4, labels: {} }] }), reset: () => {} }
    ;(apps[i]?.metrics as FastifyMetrics).registry.registerMetric(custom as never)
  })
  let seen: WorkerMetrics[] = []
  caps[0]?.aggregateWith(async () => {
    seen = await Promise.all(caps.map(async (cap, i) => ({ worker: String(i), metrics: await cap.metricsAsJson() })))
    return seen
  })
  const res = await apps[0]?.inject('/metrics')
  t.equal(res?.statusCode, 200)
  const exposition = parseExposition(res?.body as string)
  const exact = (name: string, labels: Record<string, string | number>): Sample[] =>
    exposition.samples.filter((s) => s.name === name && key(s.labels) === key(labels))

  t.equal(exposition.sum('http_request_duration_seconds_count', { route: '/orders/:id' }), 5, 'requests of both workers')
  t.same(exposition.select('process_start_time_seconds').map((s) => s.labels.worker), ['0', '1'], 'process_start_time_seconds: one series per worker')
  t.same(exposition.select('nodejs_heap_size_limit_bytes').map((s) => s.labels.worker), ['0', '1'], 'the heap limit is never summed')
  t.same(exposition.select('breaker_state').map((s) => [s.labels.worker, s.value]), [['0', 1], ['1', 2]], 'a capability gauge is per worker by default')
  t.equal(exposition.sum('queue_limit'), 20)
  t.same(exposition.select('queue_start_time_seconds').map((s) => [s.labels.worker, s.value]), [['0', 100], ['1', 101]])
  t.equal(exposition.sum('custom_jobs_total'), 9, 'no aggregator: summed')

  // Every metric, every series, against the two registries as they were read for this scrape.
  const byName = new Map<string, MetricJson[]>()
  for (const w of seen) for (const m of w.metrics as MetricJson[]) byName.set(m.name, [...byName.get(m.name) ?? [], m])
  let checked = 0
  for (const [name, copies] of byName) {
    const rule = (copies[0] as MetricJson).aggregator ?? 'sum'
    if (AGGREGATION[name] !== undefined) t.equal(rule, AGGREGATION[name], `${name} declares its rule`)
    const series = new Map<string, { sample: string, labels: Record<string, string | number>, values: number[] }>()
    copies.forEach((m, w) => {
      for (const v of m.values) {
        const labels = rule === 'worker' ? { ...v.labels, worker: String(w) } : v.labels
        const sample = v.metricName ?? name
        const id = `${sample}${key(labels)}`
        series.set(id, { sample, labels, values: [...series.get(id)?.values ?? [], v.value] })
      }
    })
    for (const { sample, labels, values } of series.values()) {
      const found = exact(sample, labels)
      t.equal(found.length, 1, `${sample} ${key(labels)} is served once`)
      const expected = rule === 'worker' ? values[0] as number : (RULES[rule] as (v: number[]) => number)(values)
      t.ok(Math.abs((found[0]?.value ?? NaN) - expected) <= Math.abs(expected) * 1e-9, `${sample} ${key(labels)}: ${rule} of ${values.join(', ')}`)
      checked++
    }
  }
  t.ok(checked > 50, `${checked} series checked`)
})

t.test('without aggregateWith the scrape serves this app\'s registry only', async (t) => {
  const app = await worker(1)
  t.teardown(() => app.close())
  t.equal(parseExposition((await app.inject('/metrics')).body).sum('http_request_duration_seconds_count'), 1)
})

t.test('the README\'s aggregation table gives every metric the rule it declares', async (t) => {
  const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Under @fastify-production/cluster'), readme.indexOf('### For the suite\'s other packages'))
  const rows = section.split('\n').filter((l) => l.startsWith('| `')).map((l) => {
    const [names, rule] = l.split(' | ') as [string, string]
    const patterns = [...names.matchAll(/`([^`]+)`/g)].map((m) => new RegExp(`^${(m[1] as string).replace(/\{([^}]+)\}/g, (_, alts: string) => `(${alts.split(',').join('|')})`).replace(/\*/g, '\\w+')}$`))
    return { patterns, rule: rule.replace(/`/g, '') }
  })
  for (const [name, rule] of Object.entries(AGGREGATION)) {
    const row = rows.find((r) => r.patterns.some((p) => p.test(name)))
    t.equal(row?.rule, rule, `${name}: ${rule}`)
  }
})
