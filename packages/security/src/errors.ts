import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws at registration. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_SECURITY_OPTIONS: optionsError('FP_ERR_SECURITY_OPTIONS', '@fastify-production/security'),
  FP_ERR_SECURITY_CORS_WILDCARD: createFastifyError(
    'FP_ERR_SECURITY_CORS_WILDCARD',
    'cors.credentials is true while cors.origins allows any origin (%s): every website could read authenticated responses. List the origins instead.',
    500
  ),
  FP_ERR_SECURITY_CORS_ORIGIN: createFastifyError(
    'FP_ERR_SECURITY_CORS_ORIGIN',
    'Invalid cors.origins entry %s: %s',
    500,
    TypeError
  ),
  FP_ERR_SECURITY_TRUST_PROXY: createFastifyError(
    'FP_ERR_SECURITY_TRUST_PROXY',
    'Fastify trusts every proxy (trustProxy: true or equivalent) while NODE_ENV is "production": any client can choose its own rate-limit key with X-Forwarded-For. Set trustProxy to the addresses of your proxies.',
    500
  ),
  FP_ERR_SECURITY_ROUTE_CONFIG: createFastifyError(
    'FP_ERR_SECURITY_ROUTE_CONFIG',
    'Invalid security route config on %s: %s',
    500,
    TypeError
  ),
  FP_ERR_SECURITY_REDIS: createFastifyError(
    'FP_ERR_SECURITY_REDIS',
    'Cannot use rateLimit.redis: %s',
    500
  ),
  FP_ERR_SECURITY_HELMET_CONFLICT: createFastifyError(
    'FP_ERR_SECURITY_HELMET_CONFLICT',
    '@fastify/helmet and @fastify-production/security would both set the security headers: %s. Keep one: %s',
    500
  ),
  FP_ERR_SECURITY_CORS_CONFLICT: createFastifyError(
    'FP_ERR_SECURITY_CORS_CONFLICT',
    '@fastify/cors and @fastify-production/security would both answer CORS and preflights: %s. Keep one: %s',
    500
  ),
  FP_ERR_SECURITY_RATE_LIMIT_CONFLICT: createFastifyError(
    'FP_ERR_SECURITY_RATE_LIMIT_CONFLICT',
    '@fastify/rate-limit and @fastify-production/security would both limit requests (two counters, two sets of rate-limit headers): %s. Keep one: %s',
    500
  )
} as const
