import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_CONFIG_INVALID: createFastifyError(
    'FP_ERR_CONFIG_INVALID',
    'Invalid configuration: %s',
    500
  ),
  FP_ERR_CONFIG_OPTIONS: optionsError('FP_ERR_CONFIG_OPTIONS', '@fastify-production/config'),
  FP_ERR_CONFIG_DOTENV: createFastifyError(
    'FP_ERR_CONFIG_DOTENV',
    'Cannot read the .env file %s: %s',
    500
  ),
  FP_ERR_CONFIG_DECORATED_LATER: createFastifyError(
    'FP_ERR_CONFIG_DECORATED_LATER',
    'A plugin registered after @fastify-production/config (@fastify/env?) tries to decorate `fastify.%s`, which config owns. ' +
      'Register that plugin before the suite (config then leaves the name to it), or give config another name with the `decorator` option',
    500
  ),
  FP_ERR_CONFIG_DECORATOR_TAKEN: createFastifyError(
    'FP_ERR_CONFIG_DECORATOR_TAKEN',
    '%s already decorates `fastify.%s`, and @fastify-production/config was given a `schema` to put there. ' +
      'Put it under another name with the `decorator` option (e.g. `config: { schema, decorator: \'env\' }`), or %s',
    500
  )
} as const
