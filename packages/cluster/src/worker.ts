import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { drain } from './drain.js'
import { handleSignals, type SignalGuard } from './graceful.js'
import type { ClusterHandle } from './handle.js'
import type { Log } from './log.js'
import { isOurs, sendToPrimary, TAG, type ToWorker } from './messages.js'
import type { ResolvedClusterOptions } from './options.js'

interface HealthLike { state?: unknown }
interface RegistryLike { getMetricsAsJSON?: () => unknown }

/** Reports `ready` once the app listens and, when @fastify-production/health is there, its state is 'ready'. */
function reportWhenReady (app: FastifyInstance): void {
  const health = (app as unknown as { health?: HealthLike }).health
  if (!app.hasDecorator('health') || health === undefined) {
    sendToPrimary({ [TAG]: 'ready' })
    return
  }
  const check = (): void => {
    if (health.state === 'ready') sendToPrimary({ [TAG]: 'ready' })
    // health has no ready event; reading one property every 50 ms until startup ends costs nothing.
    else if (health.state === 'starting') setTimeout(check, 50)
  }
  check()
}

async function workerMetrics (app: FastifyInstance, log: Log): Promise<unknown[] | null> {
  const registry = (app as unknown as { metrics?: { registry?: RegistryLike } }).metrics?.registry
  if (!app.hasDecorator('metrics') || typeof registry?.getMetricsAsJSON !== 'function') return null
  try {
    return await registry.getMetricsAsJSON() as unknown[]
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
  // The same path as a signal from outside, so @fastify-production/shutdown runs its sequence; skipped
  // when a signal already came (Ctrl-C reaches every process of the group), as a second one would force.
  const terminate = (): void => {
    if (!guard.signalled) process.kill(process.pid, 'SIGTERM')
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
