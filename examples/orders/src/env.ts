import { randomBytes } from 'node:crypto'

/** The service's environment. Every variable is listed in .env.example. */
export interface Env {
  PORT: number
  HOST: string
  LOG_LEVEL: string
  DATABASE_URL: string | undefined
  DEMO_USERNAME: string
  DEMO_PASSWORD: string
  AUTH_TOKEN_SECRET: string
}

export function readEnv (source: NodeJS.ProcessEnv = process.env): Env {
  return {
    PORT: Number(source.PORT ?? 3000),
    HOST: source.HOST ?? '127.0.0.1',
    LOG_LEVEL: source.LOG_LEVEL ?? 'info',
    DATABASE_URL: source.DATABASE_URL,
    DEMO_USERNAME: source.DEMO_USERNAME ?? 'demo',
    DEMO_PASSWORD: source.DEMO_PASSWORD ?? 'demo-password',
    AUTH_TOKEN_SECRET: source.AUTH_TOKEN_SECRET ?? randomBytes(32).toString('hex')
  }
}
