import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import production, { serverOptions, type ServerOptions } from 'fastify-production'
import { devSecrets, EnvSchema, readEnv, trustProxy } from './env.js'
import type { DependenciesOptions } from 'fastify-production'
import { postgresDependency } from './db/dependency.js'
import { memoryRepository, postgresRepository } from './orders/repository.js'
import { shippingDependency } from './shipping/dependency.js'
import { shippingRoutes } from './shipping/routes.js'
import { orderService } from './orders/service.js'
import { orderRoutes } from './orders/routes.js'
import { authService } from './auth/service.js'
import { authRoutes } from './auth/routes.js'
import { hashWorker, passwordRoutes } from './passwords/routes.js'

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
  // TRUST_PROXY: behind an ingress the client's address is in X-Forwarded-For, and the rate limit must key on it.
  const app = Fastify(serverOptions({ trustProxy: trustProxy(env), ...options.server })).withTypeProvider<TypeBoxTypeProvider>()
  app.log.level = env.LOG_LEVEL

  let repository = memoryRepository()
  // Declared once: connected (and migrated) with backoff at start, in readiness, closed at shutdown in
  // reverse order, and every call bounded (503 problem+json with Retry-After when one is down).
  const dependencies: DependenciesOptions = {}
  if (env.DATABASE_URL !== undefined) {
    const postgres = postgresDependency(env.DATABASE_URL, app.log)
    dependencies.postgres = postgres
    repository = postgresRepository(postgres)
  }
  const shipping = env.SHIPPING_URL === undefined ? undefined : shippingDependency(env.SHIPPING_URL)
  if (shipping !== undefined) dependencies.shipping = shipping

  await app.register(production, {
    config: { schema: EnvSchema, source },
    metrics: env.METRICS_TOKEN === undefined ? {} : { token: env.METRICS_TOKEN },
    dependencies,
    // scrypt hashes run on worker threads (POST /passwords/hash); readiness says degraded while the queue is full.
    tasks: { filename: hashWorker, readiness: 'non-critical' }
  })

  const ordersCreated = app.metrics.counter({ name: 'orders_created_total', help: 'Orders created since start.' })
  await app.register(orderRoutes, { service: orderService(repository, () => ordersCreated.inc()) })
  if (shipping !== undefined) await app.register(shippingRoutes, { shipping })
  const { demoPassword, tokenSecret } = devSecrets(env)
  await app.register(authRoutes, {
    service: authService({ username: env.DEMO_USERNAME, password: demoPassword, tokenSecret, tokenTtl: 3600 })
  })
  await app.register(passwordRoutes)
  return app
}
