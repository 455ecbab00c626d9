// An app that runs fastify-metrics and has @fastify-production/metrics installed (as the umbrella
// brings it): fastify-metrics' type of `fastify.metrics` must stay the only one.
import Fastify from 'fastify'
import fastifyMetrics from 'fastify-metrics'
import '../../src/index.js'

const app = Fastify()
await app.register(fastifyMetrics.default, { endpoint: '/metrics' })
app.get('/orders', { config: { disableMetrics: true } }, async () => [])
const client: typeof import('prom-client') = app.metrics.client
console.log(typeof client.Registry)
