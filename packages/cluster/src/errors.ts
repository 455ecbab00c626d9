import createFastifyError from '@fastify/error'
import { optionsError } from '@fastify-production/core'

/** Error codes this package throws. Each is listed in the README's errors table. */
export const codes = {
  FP_ERR_CLUSTER_OPTIONS: optionsError('FP_ERR_CLUSTER_OPTIONS', '@fastify-production/cluster'),
  FP_ERR_CLUSTER_BUILD: createFastifyError(
    'FP_ERR_CLUSTER_BUILD',
    'build() must return (or resolve to) a Fastify instance; got %s',
    500,
    TypeError
  ),
  FP_ERR_CLUSTER_PROM_CLIENT: createFastifyError(
    'FP_ERR_CLUSTER_PROM_CLIENT',
    'metricsPort is set but prom-client cannot be loaded (%s); install prom-client or remove metricsPort',
    500
  ),
  FP_ERR_CLUSTER_METRICS_LISTEN: createFastifyError(
    'FP_ERR_CLUSTER_METRICS_LISTEN',
    'The primary\'s metrics listener cannot listen on %s: %s. Give `metricsPort` a free port (0: any) or another `metricsHost`',
    500
  )
} as const
