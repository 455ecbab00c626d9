// An app that types `fastify.config` itself (as @fastify/env users do), with this package imported,
// as the umbrella imports it: its declaration must be the only one.
import Fastify from 'fastify'
import fastifyEnv from '@fastify/env'
import config from '../../src/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: { PORT: number }
  }
}

const app = Fastify()
await app.register(fastifyEnv, { schema: { type: 'object', properties: { PORT: { type: 'integer', default: 3000 } } } })
await app.register(config)
const port: number = app.config.PORT
await app.listen({ port })
