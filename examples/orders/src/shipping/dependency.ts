import { httpDependency, type HttpDependency } from 'fastify-production'

/**
 * The shipping API as a dependency: 1 s per attempt, 3 s in all; GETs retried on 5xx, resets and
 * timeouts, a 503/429 `Retry-After` honoured within the deadline; a breaker in front.
 */
export function shippingDependency (url: string): HttpDependency {
  return httpDependency({ url, timeout: 1_000, deadline: 3_000, critical: false })
}
