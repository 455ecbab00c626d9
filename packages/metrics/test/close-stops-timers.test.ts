import t from 'tap'
import Fastify from 'fastify'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { setTimeout as delay } from 'node:timers/promises'
import { Registry } from 'prom-client'
import { processMonitor } from '@fastify-production/core'
import metrics from '../src/index.js'
import { collectProcessMetrics, eventLoopDelay } from '../src/process-metrics.js'
import { parseExposition } from './exposition.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Resolves after `count` samples of the process monitor, asked for every 10 ms. */
function samples (count: number): Promise<void> {
  return new Promise((resolve) => {
    // The monitor's timer is unref'd: keep the process alive while waiting for it.
    const keepAlive = setInterval(() => {}, 1000)
    const off = processMonitor().subscribe(10, () => {
      if (--count > 0) return
      off()
      clearInterval(keepAlive)
      resolve()
    })
  })
}

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

t.test('stopping the process metrics unsubscribes from the process monitor and disconnects the GC observer', async (t) => {
  const registry = new Registry()
  const stop = collectProcessMetrics(registry, '')
  const scrape = async () => parseExposition(await registry.metrics())

  // Running: the monitor delivers samples to the gauges and GCs are observed.
  await samples(2)
  t.ok(processMonitor().last !== undefined, 'the monitor runs while the process metrics are on')
  let exposition = await scrape()
  t.ok(exposition.sum('nodejs_eventloop_lag_p99_seconds') >= 0)
  gc()
  while ((exposition = await scrape()).sum('nodejs_gc_duration_seconds_count') === 0) await delay(5)
  t.ok(exposition.sum('nodejs_gc_duration_seconds_count') > 0, 'GCs are observed while running')

  stop()
  t.equal(processMonitor().last, undefined, 'no subscriber left: the process monitor stopped')
  const gcsBefore = (await scrape()).sum('nodejs_gc_duration_seconds_count')
  gc()
  // GC entries are delivered within a turn or two; two 10 ms samples take longer than that.
  await samples(2)
  t.equal((await scrape()).sum('nodejs_gc_duration_seconds_count'), gcsBefore, 'no GC observed after stop')
})

t.test('the event-loop delay reader takes no sample once stopped', async (t) => {
  const lag = eventLoopDelay()
  await samples(1)
  const before = lag.scrape().last
  t.ok(before !== undefined, 'samples arrive while subscribed')
  lag.stop()
  // Samples reach every subscriber in the same turn: had the reader still been subscribed, it would have these.
  await samples(2)
  t.equal(lag.scrape().last, before)
})
