import { randomBytes } from 'node:crypto'
import { isIP } from 'node:net'
import { loadConfig, RequiredInProduction, Secret, Type, type Config, type FastifyMetrics } from 'fastify-production'

const LogLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' })

// proxy-addr's names for the private ranges, as Fastify's trustProxy accepts them.
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])

function isAddressOrRange (entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true
  const [address = '', prefix, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}

/** "false", or addresses/CIDRs/named ranges, comma-separated. Never "true", never a hop count. */
function isTrustProxy (value: string): boolean {
  return value === 'false' || value.split(',').every((entry) => isAddressOrRange(entry.trim()))
}

/** The service's whole environment; .env.example lists the same variables. */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LOG_LEVEL: LogLevel,
  // Who may say, through X-Forwarded-For, which client a request comes from: request.ip, the rate
  // limit's key and the access log's client all follow it. "false": nobody (clients connect directly);
  // else the proxies' addresses and CIDRs, comma-separated ("10.0.0.0/8", "10.0.0.0/8,loopback"): a hop
  // is believed only when it comes from one of them. Never "true" (any client could pick its address,
  // and a fresh rate-limit bucket with it) nor a hop count (Fastify ignores one: a count cannot tell
  // the proxy from a client that reaches the service directly).
  TRUST_PROXY: Type.Refine(Type.String({ default: 'false' }), isTrustProxy),
  DATABASE_URL: Type.Optional(Secret(Type.String({ format: 'uri' }))),
  // Base URL of the shipping API behind GET /shipping/quote; unset = no such route (the example runs alone).
  SHIPPING_URL: Type.Optional(Type.String({ format: 'uri' })),
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

/** TRUST_PROXY as Fastify's `trustProxy` option: false, or the list of trusted addresses and CIDRs. */
export function trustProxy (env: Pick<Env, 'TRUST_PROXY'>): false | string[] {
  return env.TRUST_PROXY === 'false' ? false : env.TRUST_PROXY.split(',').map((entry) => entry.trim())
}

/** Development fallbacks for the secrets production must set (RequiredInProduction refuses to boot without them). */
export function devSecrets (env: Env): { demoPassword: string, tokenSecret: string } {
  return {
    demoPassword: env.DEMO_PASSWORD ?? 'demo-password',
    // A random key per process: tokens die with it. Multi-worker runs set AUTH_TOKEN_SECRET once in the primary (server.ts).
    tokenSecret: env.AUTH_TOKEN_SECRET ?? randomBytes(32).toString('hex')
  }
}
