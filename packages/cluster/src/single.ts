import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { closeGracefully, handleSignals } from './graceful.js'
import type { ClusterHandle } from './handle.js'
import type { Log } from './log.js'
import type { ResolvedClusterOptions } from './options.js'

/** `workers: 1`: the app in this process, no cluster, the same signals as a worker. */
export async function runSingle (build: () => FastifyInstance | PromiseLike<FastifyInstance>, opts: ResolvedClusterOptions, log: Log): Promise<ClusterHandle> {
  const app = await buildApp(build)
  const guard = handleSignals(app, opts.drainTimeout, log, (code) => process.exit(code))
  try {
    await app.listen({ port: opts.port, host: opts.host })
  } catch (err) {
    guard.uninstall()
    await app.close()
    throw err
  }
  log.info({ pid: process.pid, port: opts.port, host: opts.host }, 'single process (workers: 1): the app runs here, no cluster')
  return {
    role: 'single',
    app,
    reload: async () => {
      log.warn({}, 'reload() needs workers > 1; with one process, restart it (or let the orchestrator roll it)')
    },
    close: async () => {
      guard.uninstall()
      return await closeGracefully(app, opts.drainTimeout, log)
    }
  }
}
