// Type test, compiled on its own by app-types.test.ts: an existing app that declares its own
// `fastify.config` (as @fastify/env users do) and runs fastify-metrics and @fastify/rate-limit
// compiles with the umbrella imported; the route-config keys of @fastify/rate-limit and of the
// suite live side by side; the suite's own route settings are typed.
import Fastify from 'fastify'
import fastifyEnv from '@fastify/env'
import fastifyMetrics from 'fastify-metrics'
import rateLimit from '@fastify/rate-limit'
import production, { type ProductionOptions } from '../../src/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: { PORT: number, DATABASE_URL: string }
  }
}

const app = Fastify()
await app.register(fastifyEnv, { schema: { type: 'object', properties: { PORT: { type: 'number' } } } })
await app.register(fastifyMetrics.default, { endpoint: '/metrics' })
await app.register(rateLimit, { max: 100 })
const options: ProductionOptions = { metrics: false }
await app.register(production, options)
export const port: number = app.config.PORT
export const contentType: string = app.metrics.client.register.contentType

app.get('/login', { config: { rateLimit: { max: 5, timeWindow: '1 minute' }, production: { rateLimit: 'strict', accessLog: false } } }, async () => 'ok')
// @ts-expect-error a tier is named by a string, never a number
app.get('/bad', { config: { production: { rateLimit: 5 } } }, async () => 'no')
// @ts-expect-error accessLog can only be turned off
app.get('/bad2', { config: { production: { accessLog: true } } }, async () => 'no')
