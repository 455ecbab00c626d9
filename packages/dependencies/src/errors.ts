import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/**
 * Error codes this package throws. Each is listed in the README's errors table. The outage errors
 * carry `statusCode` 503, `expose: true` and a `headers['retry-after']`, so @fastify-production/errors
 * answers them as 503 problem+json with `Retry-After`; their message names the dependency, never its error.
 */
export const codes = {
  FP_ERR_DEPENDENCIES_OPTIONS: optionsError('FP_ERR_DEPENDENCIES_OPTIONS', '@fastify-production/dependencies'),
  FP_ERR_DEPENDENCIES_CIRCUIT_OPEN: createFastifyError(
    'FP_ERR_DEPENDENCIES_CIRCUIT_OPEN',
    'Dependency %s is unavailable: its circuit breaker is open after repeated failures',
    503
  ),
  FP_ERR_DEPENDENCIES_TIMEOUT: createFastifyError(
    'FP_ERR_DEPENDENCIES_TIMEOUT',
    'Dependency %s did not answer within %s ms',
    503
  ),
  FP_ERR_DEPENDENCIES_UNAVAILABLE: createFastifyError(
    'FP_ERR_DEPENDENCIES_UNAVAILABLE',
    'Dependency %s is unavailable: %s',
    503
  ),
  FP_ERR_DEPENDENCIES_ABORTED: createFastifyError(
    'FP_ERR_DEPENDENCIES_ABORTED',
    'The call to dependency %s was cancelled: %s',
    499
  ),
  FP_ERR_DEPENDENCIES_STARTUP: createFastifyError(
    'FP_ERR_DEPENDENCIES_STARTUP',
    'Dependency %s did not connect within %s ms of start: %s',
    500
  )
} as const
