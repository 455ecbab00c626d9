import createFastifyError from '@fastify/error'

/** Error codes this package throws at registration. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_METRICS_OPTIONS: createFastifyError(
    'FP_ERR_METRICS_OPTIONS',
    'Invalid @fastify-production/metrics option %s: %s',
    500,
    TypeError
  ),
  FP_ERR_METRICS_UNPROTECTED: createFastifyError(
    'FP_ERR_METRICS_UNPROTECTED',
    '%s is unprotected while NODE_ENV is "production": set `token` (Authorization: Bearer) or `port` (a separate listener)%s',
    500
  ),
  FP_ERR_METRICS_NAME_TAKEN: createFastifyError(
    'FP_ERR_METRICS_NAME_TAKEN',
    'Metric %s is already registered on this registry %s',
    500
  )
} as const
