import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws at registration. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_COMPRESSION_OPTIONS: optionsError('FP_ERR_COMPRESSION_OPTIONS', '@fastify-production/compression'),
  FP_ERR_COMPRESSION_TAKEN: createFastifyError(
    'FP_ERR_COMPRESSION_TAKEN',
    '@fastify/compress is already registered: a second registration would compress twice and ignore this package\'s ' +
      'threshold and BREACH rule. Remove your @fastify/compress registration (its per-route `compress` options keep working), ' +
      'or leave this package out (`compression: false` in fastify-production\'s options, or do not register @fastify-production/compression)',
    500
  )
} as const
