import t from 'tap'
import { once } from 'node:events'
import Fastify from 'fastify'
import { Redis } from 'ioredis'
import errors from '@fastify-production/errors'
import health from '@fastify-production/health'
import { findLifecycle } from '@fastify-production/core'
import { startRedisOn } from '@fastify-production/test-support'
import { redisSkipReason, startRedisServer } from '@fastify-production/test-support/redis'
import dependencies, { redisDependency } from '../src/index.js'
import { logLines } from './log-lines.js'

const skip = redisSkipReason()

t.test('Redis killed and restarted: calls answer 503 fast while it is gone, readiness degrades (non-critical), and both recover when it is back', { skip }, async (t) => {
  const server = await startRedisServer()
  const restarted: Array<Awaited<ReturnType<typeof startRedisOn>>> = []
  t.teardown(async () => { await server.stop(); for (const r of restarted) await r.kill() })
  const client = new Redis({
    host: '127.0.0.1',
    port: server.port,
    lazyConnect: true,
    connectTimeout: 500,
    commandTimeout: 300,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 100
  })
  const cache = redisDependency(client, { critical: false, timeout: 500, deadline: 1500, breaker: false })
  const log = logLines()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  t.teardown(() => app.close())
  await app.register(errors)
  await app.register(health, { cacheMs: 0 })
  await app.register(dependencies, { cache })
  app.get('/cached', async (request) => ({ value: await cache.call(() => client.get('k'), { request, idempotent: true }) }))
  await app.ready()
  await findLifecycle(app)?.whenReady()
  await log.next((l) => l.msg === 'dependency cache: connected')
  await client.set('k', 'v')
  t.same((await app.inject('/cached')).json(), { value: 'v' })

  await server.kill()
  const gone = await app.inject('/cached')
  t.equal(gone.statusCode, 503)
  t.match(gone.json(), { code: /^FP_ERR_DEPENDENCIES_(UNAVAILABLE|TIMEOUT)$/ })
  t.equal(gone.headers['retry-after'], '5')
  const degraded = await app.inject('/health/ready')
  t.equal(degraded.statusCode, 200, 'non-critical: still ready')
  t.equal(degraded.json().status, 'degraded')

  restarted.push(await startRedisOn(server.port))
  if (client.status !== 'ready') await once(client, 'ready')
  await client.set('k', 'back')
  t.same((await app.inject('/cached')).json(), { value: 'back' })
  t.equal((await app.inject('/health/ready')).json().status, 'ok')
})
