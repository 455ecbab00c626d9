import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_SHUTDOWN_OPTIONS: optionsError('FP_ERR_SHUTDOWN_OPTIONS', '@fastify-production/shutdown'),
  FP_ERR_SHUTDOWN_HOOK: createFastifyError(
    'FP_ERR_SHUTDOWN_HOOK',
    'Cannot add shutdown hook %s: %s',
    500,
    TypeError
  ),
  FP_ERR_SHUTDOWN_SIGNAL_TAKEN: createFastifyError(
    'FP_ERR_SHUTDOWN_SIGNAL_TAKEN',
    'Another listener handles %s: at the signal it would close the app or exit at once and the drain would never happen. ' +
      'Remove close-with-grace / your process.on(\'%s\') handler and use fastify.shutdown.addHook for cleanup, ' +
      'or pass shutdown: false (without the umbrella: do not register @fastify-production/shutdown)',
    500
  )
} as const
