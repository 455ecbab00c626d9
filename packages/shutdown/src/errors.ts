import createFastifyError from '@fastify/error'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_SHUTDOWN_OPTIONS: createFastifyError(
    'FP_ERR_SHUTDOWN_OPTIONS',
    'Invalid @fastify-production/shutdown option %s: %s',
    500,
    TypeError
  ),
  FP_ERR_SHUTDOWN_HOOK: createFastifyError(
    'FP_ERR_SHUTDOWN_HOOK',
    'Cannot add shutdown hook %s: %s',
    500,
    TypeError
  )
} as const
