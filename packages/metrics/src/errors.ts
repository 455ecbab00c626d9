import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws at registration. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_METRICS_OPTIONS: optionsError('FP_ERR_METRICS_OPTIONS', '@fastify-production/metrics'),
  FP_ERR_METRICS_UNPROTECTED: createFastifyError(
    'FP_ERR_METRICS_UNPROTECTED',
    '%s is unprotected while NODE_ENV is "production": set `token` (Authorization: Bearer) or `port` (a separate listener)%s',
    500
  ),
  FP_ERR_METRICS_LISTEN: createFastifyError(
    'FP_ERR_METRICS_LISTEN',
    'The metrics listener cannot listen on %s: %s. Give `port` a free port (0: any) or another `host`',
    500
  ),
  FP_ERR_METRICS_NAME_TAKEN: createFastifyError(
    'FP_ERR_METRICS_NAME_TAKEN',
    'Metric %s is already registered on this registry %s',
    500
  ),
  FP_ERR_METRICS_DECORATOR_TAKEN: createFastifyError(
    'FP_ERR_METRICS_DECORATOR_TAKEN',
    '%s: @fastify-production/metrics would add a second registry and a second scrape endpoint. ' +
      'Remove %s, or keep it and leave this package out (`metrics: false` in fastify-production\'s options, or do not register @fastify-production/metrics)',
    500
  )
} as const
