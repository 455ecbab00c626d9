import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { logCapture, type LogLine } from '@fastify-production/test-support'
import security, { type RateLimitOptions } from '../../src/index.js'

/** An app with the given rate limit, `GET /` on the global limit and `POST /login` on the strict tier; its warn lines captured. */
export async function rateLimitedApp (t: Test, rateLimit: RateLimitOptions, routes: (app: FastifyInstance) => void = () => {}): Promise<{ app: FastifyInstance, lines: LogLine[] }> {
  const { stream, lines } = logCapture()
  const app = Fastify({ logger: { level: 'warn', stream } })
  t.teardown(() => app.close())
  await app.register(security, { rateLimit })
  app.get('/', async () => 'ok')
  app.post('/login', { config: { production: { rateLimit: 'strict' } } }, async () => 'in')
  routes(app)
  return { app, lines }
}
