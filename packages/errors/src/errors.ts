import createFastifyError from '@fastify/error'

/** Error codes this package throws at registration. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_ERRORS_OPTIONS: createFastifyError(
    'FP_ERR_ERRORS_OPTIONS',
    'Invalid @fastify-production/errors option %s: %s',
    500,
    TypeError
  ),
  FP_ERR_ERRORS_STACK_IN_PRODUCTION: createFastifyError(
    'FP_ERR_ERRORS_STACK_IN_PRODUCTION',
    'exposeStack is true while NODE_ENV is "production": stack traces would reach clients. Remove exposeStack or set it only in development.',
    500
  ),
  FP_ERR_ERRORS_CATALOG: createFastifyError(
    'FP_ERR_ERRORS_CATALOG',
    'Invalid error catalog entry: %s',
    500,
    TypeError
  )
} as const
