import createFastifyError from '@fastify/error'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_CONFIG_INVALID: createFastifyError(
    'FP_ERR_CONFIG_INVALID',
    'Invalid configuration: %s',
    500
  ),
  FP_ERR_CONFIG_OPTIONS: createFastifyError(
    'FP_ERR_CONFIG_OPTIONS',
    'Invalid @fastify-production/config option %s: %s',
    500,
    TypeError
  ),
  FP_ERR_CONFIG_DOTENV: createFastifyError(
    'FP_ERR_CONFIG_DOTENV',
    'Cannot read the .env file %s: %s',
    500
  )
} as const
