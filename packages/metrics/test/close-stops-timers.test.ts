import t from 'tap'
import Fastify from 'fastify'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { setTimeout as delay } from 'node:timers/promises'
import { Registry } from 'prom-client'
import metrics from '../src/index.js'
import { collectProcessMetrics } from '../src/process-metrics.js'
import { parseExposition } from './exposition.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function resources (): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'Immediate' && r !== 'Timeout').sort()
}

t.test('building and closing 20 apps (port listener, heap snapshots) leaves no handle behind', async (t) => {
  const before = resources()
  for (let i = 0; i < 20; i++) {
    const app = Fastify()
    await app.register(metrics, { port: 0, heapSnapshot: { dir: t.testdirName } })
    await app.ready()
    await app.close()
  }
  // A closed server's handle goes away a few loop turns after close() resolves: wait for that, bounded.
  const deadline = Date.now() + 5000
  while (resources().length > before.length && Date.now() < deadline) await delay(10)
  t.same(resources(), before)
})

t.test('stopping the process metrics disables the event-loop monitor and the GC observer', async (t) => {
  const registry = new Registry()
  const stop = collectProcessMetrics(registry, '')
  const p99 = registry.getSingleMetric('nodejs_eventloop_lag_p99_seconds')
  const scrape = async () => parseExposition(await registry.metrics())

  // Running: the monitor samples every 10 ms and GCs are observed.
  let exposition = await scrape()
  while (exposition.sum('nodejs_eventloop_lag_p99_seconds') === 0) {
    await delay(15)
    exposition = await scrape()
  }
  gc()
  while ((exposition = await scrape()).sum('nodejs_gc_duration_seconds_count') === 0) await delay(5)
  t.ok(exposition.sum('nodejs_gc_duration_seconds_count') > 0, 'GCs are observed while running')

  stop()
  await scrape()
  ;(p99 as unknown as { set: (v: number) => void }).set(-1)
  const gcsBefore = (await scrape()).sum('nodejs_gc_duration_seconds_count')
  gc()
  // Waiting for something that must not happen: a bounded wait is all there is. 100 ms is ten
  // sampling periods of the monitor, and GC entries are delivered within a tick or two.
  await delay(100)
  exposition = await scrape()
  t.equal(exposition.sum('nodejs_eventloop_lag_p99_seconds'), -1, 'no event-loop sample after stop')
  t.equal(exposition.sum('nodejs_gc_duration_seconds_count'), gcsBefore, 'no GC observed after stop')
})
