// What the README tells apps to write: `fastify.metrics` is typed by the app, not by the package.
import type { FastifyMetrics } from '../src/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: FastifyMetrics
  }
}
