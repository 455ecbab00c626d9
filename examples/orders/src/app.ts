import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import production, { serverOptions, type ServerOptions } from 'fastify-production'
import { devSecrets, EnvSchema, readEnv } from './env.js'
import { createPool } from './db/pool.js'
import { memoryRepository, migrate, postgresRepository } from './orders/repository.js'
import { orderService } from './orders/service.js'
import { orderRoutes } from './orders/routes.js'
import { authService } from './auth/service.js'
import { authRoutes } from './auth/routes.js'

export interface BuildOptions {
  /** Environment to read; tests pass their own. @default process.env */
  env?: Record<string, string | undefined>
  /** Extra Fastify constructor options (tests pass a log stream). */
  server?: ServerOptions
}

/** Builds the orders service without listening: server.ts listens, tests inject. */
export async function buildApp (options: BuildOptions = {}): Promise<FastifyInstance> {
  const source = options.env ?? process.env
  const env = readEnv(source)
  const app = Fastify(serverOptions({ ...options.server })).withTypeProvider<TypeBoxTypeProvider>()
  app.log.level = env.LOG_LEVEL

  let repository = memoryRepository()
  const checks: Record<string, { check: (signal: AbortSignal) => Promise<unknown>, timeout: number }> = {}
  if (env.DATABASE_URL !== undefined) {
    const pool = createPool(env.DATABASE_URL, app.log)
    app.addHook('onClose', async () => { await pool.end() })
    // A database that is down at start stops the boot; the platform restarts us with backoff.
    await migrate(pool)
    repository = postgresRepository(pool)
    checks.postgres = { check: () => pool.query('select 1'), timeout: 1000 }
  }

  await app.register(production, {
    config: { schema: EnvSchema, source },
    metrics: env.METRICS_TOKEN === undefined ? {} : { token: env.METRICS_TOKEN },
    health: { checks }
  })

  const ordersCreated = app.metrics.counter({ name: 'orders_created_total', help: 'Orders created since start.' })
  await app.register(orderRoutes, { service: orderService(repository, () => ordersCreated.inc()) })
  const { demoPassword, tokenSecret } = devSecrets(env)
  await app.register(authRoutes, {
    service: authService({ username: env.DEMO_USERNAME, password: demoPassword, tokenSecret, tokenTtl: 3600 })
  })
  return app
}
