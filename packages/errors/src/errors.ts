import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws at registration. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_ERRORS_OPTIONS: optionsError('FP_ERR_ERRORS_OPTIONS', '@fastify-production/errors'),
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
  ),
  FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET: createFastifyError(
    'FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET',
    'setNotFoundHandler was called on the context (prefix "%s") where @fastify-production/errors already set its problem+json not-found handler. Call setNotFoundHandler before registering the suite (yours is then kept), or register errors with { notFound: false } (errors: { notFound: false } in fastify-production).',
    500
  )
} as const
