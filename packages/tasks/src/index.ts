import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { find, HealthCap, lifecycle } from '@fastify-production/core'
import { codes } from './errors.js'
import { resolveOptions, type TasksOptions } from './options.js'
import { TaskPool, type RunTaskOptions } from './pool.js'
import { observe } from './observe.js'

/**
 * Runs `task` on a worker thread and resolves with what it returns. `task` is the name of an
 * export of the plugin's `filename`, or an absolute path / file URL of a module whose default
 * export is the task. Rejects with a 503 (`FP_ERR_TASKS_QUEUE_FULL`, `FP_ERR_TASKS_CLOSED`,
 * `FP_ERR_TASKS_TIMEOUT`), `FP_ERR_TASKS_ABORTED` when `signal` aborts (`clientGone(reply)`: the
 * client left), or the task's own error.
 */
export type RunTask = <R = unknown>(task: string | URL, input?: unknown, options?: RunTaskOptions) => Promise<R>

declare module 'fastify' {
  interface FastifyInstance {
    /** Runs CPU-heavy work on a bounded worker-thread pool, from @fastify-production/tasks. */
    runTask: RunTask
  }
}

const tasksPlugin: FastifyPluginAsync<TasksOptions> = async function tasks (fastify, options) {
  const resolved = resolveOptions(options)
  if (fastify.hasDecorator('runTask')) {
    throw new codes.FP_ERR_TASKS_DECORATOR_TAKEN()
  }
  const pool = new TaskPool(resolved, (err) => { fastify.log.error({ err }, 'tasks: worker pool error') })
  observe(fastify, pool)

  const runTask: RunTask = (task, input, runOptions) => pool.run(task, input, runOptions)
  fastify.decorate('runTask', runTask)

  if (resolved.readiness !== false) {
    find(fastify, HealthCap)?.addCheck('tasks', function tasksNotSaturated () {
      if (pool.saturated) throw new Error(`task queue full (${pool.capacity} running or queued)`)
    }, { critical: resolved.readiness === 'critical' })
  }

  // The 503s carry `headers: { 'retry-after' }`: Fastify's default error handler and the errors
  // package (for the suite's FP_ERR_* codes) both send it, so no hook of ours runs per request.

  // From `closing` (the close began: the drain delay is over) a new task gets 503 and the client
  // retries elsewhere; what runs or waits carries on.
  const off = lifecycle(fastify).on((state) => {
    if (state === 'closing') pool.stopAccepting()
  })
  fastify.addHook('onClose', async function tasksClose () {
    off()
    await pool.close(resolved.closeTimeout)
  })
}

/** CPU work off the event loop: a bounded worker-thread pool with timeouts, cancellation, metrics, readiness and shutdown. */
export const tasks = fp(tasksPlugin, { fastify: '5.x', name: '@fastify-production/tasks' })
export default tasks

export { clientGone } from './client-gone.js'
export type { TasksOptions } from './options.js'
export type { RunTaskOptions, TaskOutcome } from './pool.js'
export { codes }
