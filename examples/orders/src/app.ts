import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import production, { serverOptions } from 'fastify-production'
import { readEnv, type Env } from './env.js'
import { createPool } from './db/pool.js'
import { memoryRepository, migrate, postgresRepository } from './orders/repository.js'
import { orderService } from './orders/service.js'
import { orderRoutes } from './orders/routes.js'
import { authService } from './auth/service.js'
import { authRoutes } from './auth/routes.js'

export interface BuildOptions {
  /** Environment to read; tests pass their own. @default process.env */
  env?: NodeJS.ProcessEnv
  /** Extra Fastify constructor options (tests pass a log stream). */
  server?: Parameters<typeof serverOptions>[0]
}

/** Builds the orders service without listening: server.ts listens, tests inject. */
export async function buildApp (options: BuildOptions = {}): Promise<FastifyInstance> {
  const env: Env = readEnv(options.env)
  const app = Fastify(serverOptions({ logger: { level: env.LOG_LEVEL }, ...options.server })).withTypeProvider<TypeBoxTypeProvider>()
  await app.register(production)

  let repository = memoryRepository()
  if (env.DATABASE_URL !== undefined) {
    const pool = createPool(env.DATABASE_URL, app.log)
    app.addHook('onClose', async () => { await pool.end() })
    await migrate(pool)
    repository = postgresRepository(pool)
  }

  await app.register(orderRoutes, { service: orderService(repository) })
  await app.register(authRoutes, {
    service: authService({ username: env.DEMO_USERNAME, password: env.DEMO_PASSWORD, tokenSecret: env.AUTH_TOKEN_SECRET, tokenTtl: 3600 })
  })
  return app
}
