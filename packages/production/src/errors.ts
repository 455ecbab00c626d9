import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws at registration. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_PRODUCTION_OPTIONS: optionsError('FP_ERR_PRODUCTION_OPTIONS', 'fastify-production'),
  FP_ERR_PRODUCTION_STRICT: createFastifyError(
    'FP_ERR_PRODUCTION_STRICT',
    'strict: risky settings found: %s. Fix them (see the warn lines) or drop strict.',
    500
  )
} as const
