import { randomBytes } from 'node:crypto'
import { bootFailed, start } from '@fastify-production/cluster'
import { buildApp } from './app.js'
import { readEnv, type Env } from './env.js'

// Every worker must sign and check tokens with one key: set it here, in the primary; the workers inherit it.
process.env.AUTH_TOKEN_SECRET ??= randomBytes(32).toString('hex')
let env: Env
try {
  env = readEnv()
} catch (err) {
  // One JSON line naming the variable at fault (never its value), exit 1: a bad configuration is a failed boot.
  bootFailed(err)
}
// With several workers, /metrics answers for all of them whichever worker the scrape reaches (the
// cluster gathers every worker's registry): no port of its own to open, the token still applies.
await start(() => buildApp(), {
  port: env.PORT,
  host: env.HOST,
  // Without DATABASE_URL the orders live in process memory: one process, unless WEB_CONCURRENCY says otherwise.
  workers: env.DATABASE_URL === undefined && process.env.WEB_CONCURRENCY === undefined ? 1 : undefined
}).catch(bootFailed)
