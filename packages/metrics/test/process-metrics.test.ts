import t from 'tap'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import metrics from '../src/index.js'
import { collectProcessMetrics, gcKind } from '../src/process-metrics.js'
import { parseExposition } from './exposition.js'

const EXPECTED: Array<[string, string]> = [
  ['process_cpu_user_seconds_total', 'counter'],
  ['process_cpu_system_seconds_total', 'counter'],
  ['process_cpu_seconds_total', 'counter'],
  ['process_start_time_seconds', 'gauge'],
  ['process_resident_memory_bytes', 'gauge'],
  ['process_open_fds', 'gauge'],
  ['process_max_fds', 'gauge'],
  ['nodejs_active_handles_total', 'gauge'],
  ['nodejs_active_requests_total', 'gauge'],
  ['nodejs_active_resources_total', 'gauge'],
  ['nodejs_heap_size_total_bytes', 'gauge'],
  ['nodejs_heap_size_used_bytes', 'gauge'],
  ['nodejs_heap_size_limit_bytes', 'gauge'],
  ['nodejs_external_memory_bytes', 'gauge'],
  ['nodejs_heap_space_size_used_bytes', 'gauge'],
  ['nodejs_version_info', 'gauge'],
  ['nodejs_gc_duration_seconds', 'histogram'],
  ['nodejs_eventloop_lag_seconds', 'gauge'],
  ['nodejs_eventloop_lag_p50_seconds', 'gauge'],
  ['nodejs_eventloop_lag_p90_seconds', 'gauge'],
  ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
  ['nodejs_eventloop_lag_min_seconds', 'gauge'],
  ['nodejs_eventloop_lag_max_seconds', 'gauge'],
  ['nodejs_eventloop_lag_mean_seconds', 'gauge'],
  ['nodejs_eventloop_lag_stddev_seconds', 'gauge'],
  ['nodejs_eventloop_utilization_ratio', 'gauge']
]

t.test('default metrics: process, heap, GC, handles, fds, event-loop delay and utilization', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  const exposition = parseExposition((await app.inject('/metrics')).body)
  for (const [name, type] of EXPECTED) t.equal(exposition.types.get(name), type, name)
  const elu = exposition.sum('nodejs_eventloop_utilization_ratio')
  t.ok(elu > 0 && elu <= 1, `utilization is a ratio (${elu})`)
  const heap = exposition.sum('nodejs_heap_size_used_bytes')
  t.ok(heap > 0 && heap < exposition.sum('nodejs_heap_size_limit_bytes'), 'heap used is below its limit')
  t.ok(exposition.sum('nodejs_eventloop_lag_seconds') > 0, 'lag measured at scrape time')
})

t.test('event-loop percentiles cover the time since the previous scrape, read in the same scrape', async (t) => {
  const registry = new Registry()
  const stop = collectProcessMetrics(registry, '')
  t.teardown(stop)
  const first = parseExposition(await registry.metrics())
  t.equal(first.sum('nodejs_eventloop_lag_max_seconds'), 0, 'no sample yet in the same tick')
  // The monitor records the gap between two of its 10 ms ticks, and a reset (each scrape does one)
  // forgets the last tick: it must tick after the scrape and before the block, or the block is lost.
  await new Promise((resolve) => setTimeout(resolve, 25))
  // Block the loop for 50 ms, then let the 10 ms monitor record it.
  const end = Date.now() + 50
  while (Date.now() < end);
  await new Promise((resolve) => setTimeout(resolve, 10))
  const second = parseExposition(await registry.metrics())
  t.ok(second.sum('nodejs_eventloop_lag_max_seconds') >= 0.03, 'the blocked 50 ms shows as delay')
  t.ok(second.sum('nodejs_eventloop_lag_p99_seconds') > 0)
  t.ok(second.sum('nodejs_eventloop_lag_min_seconds') > 0)
})

t.test('defaultMetrics: false leaves only the HTTP metrics', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  const exposition = parseExposition((await app.inject('/metrics')).body)
  t.same([...exposition.types.keys()].sort(), ['http_metrics_label_sets_overflow_total', 'http_request_duration_seconds', 'http_requests_in_flight'])
})

t.test('GC kinds are named; an unknown kind is labelled unknown', async (t) => {
  t.equal(gcKind(1), 'minor')
  t.equal(gcKind(4), 'major')
  t.equal(gcKind(12345), 'unknown')
})
