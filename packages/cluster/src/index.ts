import cluster from 'node:cluster'
import type { FastifyInstance } from 'fastify'
import { codes } from './errors.js'
import type { ClusterHandle } from './handle.js'
import { createLog } from './log.js'
import { bootError } from './messages.js'
import { resolveOptions, type ClusterOptions, type LogLevel } from './options.js'
import { Primary, WORKER_ENV } from './primary.js'
import { runSingle } from './single.js'
import { runWorker } from './worker.js'

/** Returns the Fastify app, not listening yet; called once in every worker (or once in-process). */
export type BuildApp = () => FastifyInstance | PromiseLike<FastifyInstance>

/**
 * Runs `build()`'s app on every core: in the primary, forks and supervises workers; in a worker,
 * builds, listens and reports ready; with `workers: 1`, runs the app in this process.
 */
export async function start (build: BuildApp, options: ClusterOptions = {}): Promise<ClusterHandle> {
  if (typeof build !== 'function') throw new codes.FP_ERR_CLUSTER_OPTIONS('build', 'must be a function returning the Fastify app (or a promise of it)')
  const opts = resolveOptions(options)
  const log = createLog(opts.logLevel)
  if (cluster.isWorker && process.env[WORKER_ENV] !== undefined) return await runWorker(build, opts, log)
  // Also when some other supervisor (PM2's cluster mode) forked this process: it is one process of theirs.
  if (opts.workers === 1 || cluster.isWorker) return await runSingle(build, opts, log)
  const primary = new Primary(opts, log)
  await primary.start()
  return { role: 'primary', app: undefined, reload: async () => { await primary.reload() }, close: async () => await primary.close() }
}
export default start

/**
 * Ends a boot that failed: one `fatal` JSON line in the format of every other line (`code`, and a
 * message naming what to fix), then exit 1. What a worker's failed boot gets from the primary; call
 * it where start() cannot: around reading the configuration, and for `workers: 1`, where start()
 * rejects (so that tests can run it in-process).
 */
export function bootFailed (err: unknown, logLevel: LogLevel = 'info'): never {
  const error = bootError(err)
  createLog(logLevel).fatal({ code: error.code, err: error }, `the app failed to start: ${error.message}`)
  return process.exit(1)
}

export type { ClusterOptions, LogLevel } from './options.js'
export type { ClusterHandle } from './handle.js'
export { codes } from './errors.js'
