import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import { processMonitor, type ProcessSample } from '@fastify-production/core'
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
  ['nodejs_active_handles', 'gauge'],
  ['nodejs_active_resources', 'gauge'],
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
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    t.equal(exposition.types.get(name), undefined, `${name}: a gauge named like a counter, left out (promtool refuses it)`)
  }
  t.ok(exposition.sum('nodejs_active_handles') > 0, 'the per-type gauge adds up to the same total')
})

/** Samples of the process monitor as they come, at a fast pace (the monitor runs at the shortest interval asked for). */
function watchSamples (t: Test): { seen: ProcessSample[], next: () => Promise<ProcessSample> } {
  const seen: ProcessSample[] = []
  const waiting: Array<(sample: ProcessSample) => void> = []
  // The monitor's timer is unref'd: keep the process alive while the test waits for it.
  const keepAlive = setInterval(() => {}, 1000)
  t.teardown(() => { clearInterval(keepAlive) })
  t.teardown(processMonitor().subscribe(20, (sample) => {
    seen.push(sample)
    for (const wake of waiting.splice(0)) wake(sample)
  }))
  return { seen, next: () => new Promise((resolve) => { waiting.push(resolve) }) }
}

t.test('event-loop delay: percentiles of the last interval, min and max over every interval since the previous scrape', async (t) => {
  const registry = new Registry()
  const stop = collectProcessMetrics(registry, '')
  t.teardown(stop)
  const first = parseExposition(await registry.metrics())
  t.equal(first.sum('nodejs_eventloop_lag_max_seconds'), 0, 'no interval completed yet')

  const samples = watchSamples(t)
  await samples.next()
  // Block the loop: the interval that spans the block reports it, and so must the next scrape's max,
  // however many calm intervals come after it.
  const end = Date.now() + 120
  while (Date.now() < end);
  let spike = await samples.next()
  // A block that ends when a sample is due shows as the sampler's lateness rather than in the histogram.
  const longest = (s: ProcessSample): number => Math.max(s.delay.max, s.lateMs)
  while (longest(spike) < 80) spike = await samples.next()
  await samples.next()
  const after = await samples.next()
  t.ok(after.delay.max >= 0, 'later intervals completed')
  const since = samples.seen.length
  const second = parseExposition(await registry.metrics())
  t.ok(second.sum('nodejs_eventloop_lag_max_seconds') >= longest(spike) / 1000, 'the spike of an earlier interval is in max')
  const later = samples.seen.slice(samples.seen.indexOf(spike) + 1)
  t.ok(later.some((s) => s.delay.p99 / 1000 === second.sum('nodejs_eventloop_lag_p99_seconds')), 'p99 is that of the last interval, not the spike\'s')
  t.ok(later.some((s) => s.delay.mean / 1000 === second.sum('nodejs_eventloop_lag_mean_seconds')))
  t.ok(second.sum('nodejs_eventloop_lag_min_seconds') <= second.sum('nodejs_eventloop_lag_p50_seconds'))

  // The scrape reset min and max: the next one covers only intervals that ended after it began.
  await samples.next()
  const third = parseExposition(await registry.metrics())
  const bound = Math.max(...samples.seen.slice(since).map(longest)) / 1000
  t.ok(third.sum('nodejs_eventloop_lag_max_seconds') <= bound, 'max starts again after a scrape')
})

t.test('between two scrapes with no completed interval, min and max are those of the last interval', async (t) => {
  const registry = new Registry()
  const stop = collectProcessMetrics(registry, '')
  t.teardown(stop)
  const samples = watchSamples(t)
  const last = await samples.next()
  const scrapes = await Promise.all([registry.metrics(), registry.metrics()])
  for (const text of scrapes) {
    const exposition = parseExposition(text)
    if (samples.seen.at(-1) !== last) return t.pass('an interval completed during the scrapes; nothing to compare')
    t.equal(exposition.sum('nodejs_eventloop_lag_max_seconds'), Math.max(last.delay.max, last.lateMs) / 1000)
    t.equal(exposition.sum('nodejs_eventloop_lag_min_seconds'), last.delay.min / 1000)
  }
})

t.test('defaultMetrics: false leaves only the HTTP metrics and the lifecycle state', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  const exposition = parseExposition((await app.inject('/metrics')).body)
  t.same([...exposition.types.keys()].sort(), ['app_lifecycle_state', 'http_metrics_label_sets_overflow_total', 'http_request_duration_seconds', 'http_requests_in_flight'])
})

t.test('GC kinds are named; an unknown kind is labelled unknown', async (t) => {
  t.equal(gcKind(1), 'minor')
  t.equal(gcKind(4), 'major')
  t.equal(gcKind(12345), 'unknown')
})
