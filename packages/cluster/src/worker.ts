import type { FastifyInstance } from 'fastify'
import { drain, find, findLifecycle, MetricsCap, ShutdownCap } from '@fastify-production/core'
import { buildApp } from './app.js'
import { handleSignals, type SignalGuard } from './graceful.js'
import type { ClusterHandle } from './handle.js'
import type { Log } from './log.js'
import { bootError, isOurs, sendToPrimary, TAG, type ToWorker, type WorkerMetrics } from './messages.js'
import type { ResolvedClusterOptions } from './options.js'

/**
 * Reports `ready` once the app listens and its lifecycle (shared by the suite) is `ready`: with
 * @fastify-production/health, once its critical checks passed. Nothing is reported when the app
 * drains or closes before it got there.
 */
function reportWhenReady (app: FastifyInstance): void {
  const lifecycle = findLifecycle(app)
  if (lifecycle === undefined) {
    sendToPrimary({ [TAG]: 'ready' })
    return
  }
  lifecycle.whenReady().then((ready) => {
    if (ready) sendToPrimary({ [TAG]: 'ready' })
  })
}

async function workerMetrics (app: FastifyInstance, log: Log): Promise<unknown[] | null> {
  const metrics = find(app, MetricsCap)
  if (metrics === undefined) return null
  try {
    return await metrics.metricsAsJson()
  } catch (err) {
    log.error({ err }, 'worker: reading the metrics registry failed; this worker is left out of /metrics')
    return null
  }
}

/**
 * Makes this worker's /metrics (the metrics package's endpoint, on the app's port or its own) serve
 * the whole cluster: a scrape reaches whichever worker accepts it, so each worker's own numbers
 * would be a random part of the total. The primary gathers every ready worker's registry.
 */
function aggregateOverCluster (app: FastifyInstance, opts: ResolvedClusterOptions, pending: Map<number, (workers: WorkerMetrics[]) => void>): void {
  const metrics = find(app, MetricsCap)
  if (metrics?.aggregateWith === undefined) return
  let next = 0
  metrics.aggregateWith(async () => await new Promise<WorkerMetrics[]>((resolve, reject) => {
    const id = ++next
    // The primary answers within metricsTimeout (it leaves slow workers out); past that it is gone or stuck.
    const bound = opts.metricsTimeout + 1000
    /* c8 ignore next 4 -- only a stuck primary gets here; it always answers within metricsTimeout */
    const timer = setTimeout(() => {
      pending.delete(id)
      reject(new Error(`the cluster primary sent no metrics within ${bound} ms`))
    }, bound)
    pending.set(id, (workers) => {
      clearTimeout(timer)
      pending.delete(id)
      resolve(workers)
    })
    sendToPrimary({ [TAG]: 'collect', id })
  }))
}

/** A forked worker: build, listen, report ready, then follow the primary's requests. */
export async function runWorker (build: () => FastifyInstance | PromiseLike<FastifyInstance>, opts: ResolvedClusterOptions, log: Log): Promise<ClusterHandle> {
  let app: FastifyInstance
  let guard: SignalGuard
  try {
    app = await buildApp(build)
    guard = handleSignals(app, opts.drainTimeout, log, (code) => process.exit(code))
    await app.listen({ port: opts.port, host: opts.host })
  } catch (err) {
    // The primary writes the one line (once for the whole cluster when it is the first boot).
    sendToPrimary({ [TAG]: 'failed', error: bootError(err) }, () => process.exit(1))
    return await new Promise<never>(() => {})
  }
  // With @fastify-production/shutdown its own sequence runs (a second trigger is ignored). Without
  // it, the same path as a signal from outside; skipped when a signal already came (Ctrl-C reaches
  // every process of the group), as a second one would force.
  const terminate = (): void => {
    const shutdown = find(app, ShutdownCap)
    if (shutdown !== undefined) shutdown.trigger('the cluster primary asked this worker to stop')
    else if (!guard.signalled) process.kill(process.pid, 'SIGTERM')
  }
  const collecting = new Map<number, (workers: WorkerMetrics[]) => void>()
  process.on('message', (message: unknown) => {
    if (!isOurs<ToWorker>(message)) return
    if (message[TAG] === 'stop') {
      terminate()
    } else if (message[TAG] === 'retire') {
      log.info({ drainTimeout: opts.drainTimeout }, 'worker: retiring; no new connections, draining keep-alive ones')
      drain(app.server, opts.drainTimeout).then(terminate)
    } else if (message[TAG] === 'metrics') {
      const id = message.id
      workerMetrics(app, log).then((metrics) => { sendToPrimary({ [TAG]: 'metrics', id, metrics }) })
    } else {
      collecting.get(message.id)?.(message.workers)
    }
  })
  aggregateOverCluster(app, opts, collecting)
  if (opts.maxMemoryMb !== undefined) {
    setInterval(() => { sendToPrimary({ [TAG]: 'rss', rss: process.memoryUsage.rss() }) }, opts.memoryInterval).unref()
  }
  reportWhenReady(app)
  return {
    role: 'worker',
    app,
    reload: async () => { sendToPrimary({ [TAG]: 'reload' }) },
    close: async () => {
      sendToPrimary({ [TAG]: 'close' })
      return 0
    }
  }
}
