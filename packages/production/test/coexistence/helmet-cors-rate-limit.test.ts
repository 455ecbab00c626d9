import t from 'tap'
import Fastify from 'fastify'
import helmet from '@fastify/helmet'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import production from '../../src/index.js'

t.test('an app that already runs helmet, cors and rate-limit keeps their behaviour with the umbrella added (no options)', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(helmet, { global: true })
  await app.register(cors, { origin: ['https://app.example.com'] })
  await app.register(rateLimit, { max: 2, timeWindow: '1 minute' })
  await app.register(production)
  app.get('/tasks', { config: { rateLimit: { max: 1, timeWindow: '1 minute' } } }, async () => ({ ok: true }))
  await app.ready()

  const first = await app.inject('/tasks')
  t.equal(first.statusCode, 200)
  t.match(first.headers['content-security-policy'], /default-src 'self'/, 'helmet\'s own CSP, not replaced by ours')
  t.equal(first.headers['x-ratelimit-limit'], '1', '@fastify/rate-limit\'s route config still works')
  t.equal(first.headers['ratelimit-limit'], undefined, 'no second limiter and header set')
  const second = await app.inject('/tasks')
  t.equal(second.statusCode, 429, 'the app\'s limiter answers')

  const preflight = await app.inject({ method: 'OPTIONS', url: '/tasks', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET' } })
  t.equal(preflight.statusCode, 204)
  t.equal(preflight.headers['access-control-allow-origin'], 'https://app.example.com', '@fastify/cors answers the preflight')
  for (let i = 0; i < 5; i++) {
    t.equal((await app.inject('/health/live')).statusCode, 200, `probe ${i + 1}: the app's limiter (max 2) never limits a probe`)
  }
  t.equal((await app.inject('/metrics')).statusCode, 200, 'nor a scrape')
})

const after: Array<[string, (app: ReturnType<typeof Fastify>) => unknown, string]> = [
  ['@fastify/helmet', (app) => app.register(helmet), 'FP_ERR_SECURITY_HELMET_CONFLICT'],
  ['@fastify/cors', (app) => app.register(cors, { origin: false }), 'FP_ERR_SECURITY_CORS_CONFLICT'],
  ['@fastify/rate-limit', (app) => app.register(rateLimit, { max: 10 }), 'FP_ERR_SECURITY_RATE_LIMIT_CONFLICT']
]

for (const [name, register, code] of after) {
  t.test(`${name} registered after the umbrella: one coded refusal at boot`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await app.register(production, { security: { cors: { origins: ['https://app.example.com'] } } })
    register(app)
    await t.rejects(async () => { await app.ready() }, { code })
  })
}

t.test('a security option given explicitly beside the app\'s own plugin: one coded refusal naming both', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(rateLimit, { max: 10 })
  app.register(production, { security: { rateLimit: { max: 100, timeWindow: '1 minute' } } })
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_SECURITY_RATE_LIMIT_CONFLICT', message: /@fastify\/rate-limit/ })
})
