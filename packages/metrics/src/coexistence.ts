import type { FastifyInstance } from 'fastify'
import { codes } from './errors.js'

/** fastify-plugin name of fastify-metrics, the common metrics plugin that decorates `fastify.metrics`. */
export const FASTIFY_METRICS = 'fastify-metrics'

/**
 * Refuses to add a second registry and scrape endpoint beside another metrics plugin. At registration
 * it catches fastify-metrics or any plugin that took the `metrics` decorator; in onReady (`ours` set)
 * fastify-metrics registered after this package under another decorator name and endpoint.
 */
export function assertNoOtherMetrics (fastify: FastifyInstance, ours: boolean): void {
  if (fastify.hasPlugin(FASTIFY_METRICS)) {
    throw new codes.FP_ERR_METRICS_DECORATOR_TAKEN(`${FASTIFY_METRICS} is registered`, FASTIFY_METRICS)
  }
  if (!ours && fastify.hasDecorator('metrics')) {
    throw new codes.FP_ERR_METRICS_DECORATOR_TAKEN('another plugin already decorates `fastify.metrics`', 'that plugin')
  }
}
