import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/**
 * Error codes this package throws. Each is listed in the README's errors table. The 503s carry
 * `expose: true` (their message is for clients) and `headers` (`retry-after` where a retry helps).
 */
export const codes = {
  FP_ERR_TASKS_OPTIONS: optionsError('FP_ERR_TASKS_OPTIONS', '@fastify-production/tasks'),
  FP_ERR_TASKS_QUEUE_FULL: createFastifyError(
    'FP_ERR_TASKS_QUEUE_FULL',
    'The task queue is full (%s running or queued); try again shortly',
    503
  ),
  FP_ERR_TASKS_CLOSED: createFastifyError(
    'FP_ERR_TASKS_CLOSED',
    'The server is shutting down and takes no new task%s',
    503
  ),
  FP_ERR_TASKS_TIMEOUT: createFastifyError(
    'FP_ERR_TASKS_TIMEOUT',
    'Task %s did not finish within %s ms',
    503
  ),
  FP_ERR_TASKS_ABORTED: createFastifyError(
    'FP_ERR_TASKS_ABORTED',
    'Task %s was cancelled%s',
    499
  ),
  FP_ERR_TASKS_NO_FILE: createFastifyError(
    'FP_ERR_TASKS_NO_FILE',
    'Task %s names an export, but no `filename` was given: pass `filename` (the module exporting the tasks) or an absolute path / file URL%s',
    500,
    TypeError
  ),
  FP_ERR_TASKS_DECORATOR_TAKEN: createFastifyError(
    'FP_ERR_TASKS_DECORATOR_TAKEN',
    'fastify.runTask is already decorated (fastify-piscina or your own pool): two pools would compete for the cores. ' +
      'Remove the other one, or leave this package out (`tasks: false` in fastify-production\'s options, or do not register @fastify-production/tasks)',
    500
  )
} as const
