// An app that uses this package's decorator declares its type once, as the README says.
import Fastify from 'fastify'
import metrics, { type FastifyMetrics } from '../../src/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: FastifyMetrics
  }
}

const app = Fastify()
await app.register(metrics, { token: 'x' })
const created = app.metrics.counter({ name: 'orders_created_total', help: 'Orders created', labelNames: ['kind'] })
created.inc({ kind: 'web' })
app.get('/internal', { config: { production: { metrics: false } } }, async () => 'quiet')
// @ts-expect-error the suite's route settings take `false` only
app.get('/typo', { config: { production: { metrics: 'off' } } }, async () => 'typo')
