import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_LOGGING_OPTIONS: optionsError('FP_ERR_LOGGING_OPTIONS', '@fastify-production/logging'),
  FP_ERR_LOGGING_PRETTY_MISSING: createFastifyError(
    'FP_ERR_LOGGING_PRETTY_MISSING',
    'loggerOptions({ pretty: true }) needs pino-pretty, which could not be loaded (%s). Install it as a dev dependency (npm install -D pino-pretty) or leave pretty off.',
    500
  ),
  FP_ERR_LOGGING_REDACT_KEYS: createFastifyError(
    'FP_ERR_LOGGING_REDACT_KEYS',
    'fastify.logging.redactKeys() takes an array of non-empty strings, got %s',
    500,
    TypeError
  ),
  FP_ERR_LOGGING_NOT_REGISTERED: createFastifyError(
    'FP_ERR_LOGGING_NOT_REGISTERED',
    'getLogger() was called outside a request while no app has @fastify-production/logging registered: call it when you log, not at import time',
    500
  )
} as const
