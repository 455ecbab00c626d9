import type { FastifyInstance } from 'fastify'
import { drain, find, findLifecycle, MetricsCap, ShutdownCap } from '@fastify-production/core'
import { buildApp } from './app.js'
import { handleSignals, type SignalGuard } from './graceful.js'
import type { ClusterHandle } from './handle.js'
import type { Log } from './log.js'
import { isOurs, sendToPrimary, TAG, type ToWorker } from './messages.js'
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

/** A forked worker: build, listen, report ready, then follow the primary's requests. */
export async function runWorker (build: () => FastifyInstance | PromiseLike<FastifyInstance>, opts: ResolvedClusterOptions, log: Log): Promise<ClusterHandle> {
  let app: FastifyInstance
  let guard: SignalGuard
  try {
    app = await buildApp(build)
    guard = handleSignals(app, opts.drainTimeout, log, (code) => process.exit(code))
    await app.listen({ port: opts.port, host: opts.host })
  } catch (err) {
    log.fatal({ err }, 'worker: the app failed to start')
    process.exit(1)
  }
  // With @fastify-production/shutdown its own sequence runs (a second trigger is ignored). Without
  // it, the same path as a signal from outside; skipped when a signal already came (Ctrl-C reaches
  // every process of the group), as a second one would force.
  const terminate = (): void => {
    const shutdown = find(app, ShutdownCap)
    if (shutdown !== undefined) shutdown.trigger('the cluster primary asked this worker to stop')
    else if (!guard.signalled) process.kill(process.pid, 'SIGTERM')
  }
  process.on('message', (message: unknown) => {
    if (!isOurs<ToWorker>(message)) return
    if (message[TAG] === 'stop') {
      terminate()
    } else if (message[TAG] === 'retire') {
      log.info({ drainTimeout: opts.drainTimeout }, 'worker: retiring; no new connections, draining keep-alive ones')
      drain(app.server, opts.drainTimeout).then(terminate)
    } else {
      const id = message.id
      workerMetrics(app, log).then((metrics) => { sendToPrimary({ [TAG]: 'metrics', id, metrics }) })
    }
  })
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
