import createFastifyError from '@fastify/error'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_CORE_CAPABILITY_TAKEN: createFastifyError(
    'FP_ERR_CORE_CAPABILITY_TAKEN',
    '%s is registered twice in the same Fastify context (%s); register it once',
    500
  )
} as const
