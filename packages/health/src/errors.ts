import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_HEALTH_OPTIONS: optionsError('FP_ERR_HEALTH_OPTIONS', '@fastify-production/health'),
  FP_ERR_HEALTH_CHECK: createFastifyError(
    'FP_ERR_HEALTH_CHECK',
    'Invalid health check %s: %s',
    500,
    TypeError
  ),
  FP_ERR_HEALTH_LISTEN: createFastifyError(
    'FP_ERR_HEALTH_LISTEN',
    'The health probe listener cannot listen on %s: %s. Give `port` a free port (0: any) or another `host`',
    500
  )
} as const
