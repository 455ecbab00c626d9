import createFastifyError from '@fastify/error'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_HEALTH_OPTIONS: createFastifyError(
    'FP_ERR_HEALTH_OPTIONS',
    'Invalid @fastify-production/health option %s: %s',
    500,
    TypeError
  ),
  FP_ERR_HEALTH_CHECK: createFastifyError(
    'FP_ERR_HEALTH_CHECK',
    'Invalid health check %s: %s',
    500,
    TypeError
  )
} as const
