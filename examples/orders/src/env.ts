import { randomBytes } from 'node:crypto'
import { loadConfig, RequiredInProduction, Secret, Type, type Config, type FastifyMetrics } from 'fastify-production'

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' })

/** The service's whole environment; .env.example lists the same variables. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LOG_LEVEL: LogLevel,
  DATABASE_URL: Type.Optional(Secret(Type.String({ format: 'uri' }))),
  DEMO_USERNAME: Secret(Type.String({ minLength: 1, default: 'demo' })),
  DEMO_PASSWORD: Secret(RequiredInProduction(Type.String({ minLength: 12 }))),
  AUTH_TOKEN_SECRET: Secret(RequiredInProduction(Type.String({ minLength: 32 }))),
  METRICS_TOKEN: Secret(RequiredInProduction(Type.String({ minLength: 16 })))
})

declare module 'fastify' {
  interface FastifyInstance {
    config: Config<typeof EnvSchema>
    metrics: FastifyMetrics
  }
}

export type Env = Config<typeof EnvSchema>

/** Validates the environment before the app exists: a bad one stops here, naming every variable at fault. */
export function readEnv (source: Record<string, string | undefined> = process.env): Env {
  return loadConfig(EnvSchema, { source })
}

/** Development fallbacks for the secrets production must set (RequiredInProduction refuses to boot without them). */
export function devSecrets (env: Env): { demoPassword: string, tokenSecret: string } {
  return {
    demoPassword: env.DEMO_PASSWORD ?? 'demo-password',
    // A random key per process: tokens die with it. Multi-worker runs set AUTH_TOKEN_SECRET once in the primary (server.ts).
    tokenSecret: env.AUTH_TOKEN_SECRET ?? randomBytes(32).toString('hex')
  }
}
