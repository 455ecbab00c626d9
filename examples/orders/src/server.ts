import { randomBytes } from 'node:crypto'
import { start } from '@fastify-production/cluster'
import { buildApp } from './app.js'
import { readEnv } from './env.js'

// Every worker must sign and check tokens with one key: set it here, in the primary; the workers inherit it.
process.env.AUTH_TOKEN_SECRET ??= randomBytes(32).toString('hex')
const env = readEnv()
await start(() => buildApp(), {
  port: env.PORT,
  host: env.HOST,
  // Without DATABASE_URL the orders live in process memory: one process, unless WEB_CONCURRENCY says otherwise.
  workers: env.DATABASE_URL === undefined && process.env.WEB_CONCURRENCY === undefined ? 1 : undefined
})
