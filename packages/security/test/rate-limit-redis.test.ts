import t from 'tap'
import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { redisSkipReason, startRedisServer, type RedisServer } from '@fastify-production/test-support/redis'
import { rateLimitedApp } from './helpers/rate-limited-app.js'

const skip = redisSkipReason()

async function server (t: Test): Promise<RedisServer> {
  const redis = await startRedisServer()
  t.teardown(() => redis.stop())
  return redis
}

function client (t: Test, redis: RedisServer, options: object = {}): Redis {
  const c = new Redis(redis.port, '127.0.0.1', options)
  // A killed server makes ioredis emit errors while it reconnects; the plugin only sees failed commands.
  c.on('error', () => {})
  t.teardown(() => { c.disconnect() })
  return c
}

/** A TCP server on loopback that accepts connections and never writes a byte. */
async function silentServer (t: Test): Promise<number> {
  const sockets = new Set<Socket>()
  const silent = createServer((socket) => { sockets.add(socket) })
  silent.listen(0, '127.0.0.1')
  await once(silent, 'listening')
  t.teardown(() => {
    for (const socket of sockets) socket.destroy()
    silent.close()
  })
  return (silent.address() as { port: number }).port
}

t.test('exact counts under 50 concurrent requests', { skip }, async (t) => {
  const redis = await server(t)
  const c = client(t, redis)
  const { app } = await rateLimitedApp(t, { max: 20, redis: c, storeTimeout: 10_000 })
  const responses = await Promise.all(Array.from({ length: 50 }, async () => await app.inject('/')))
  const codes = responses.map((res) => res.statusCode)
  t.equal(codes.filter((code) => code === 200).length, 20)
  t.equal(codes.filter((code) => code === 429).length, 30)
  t.equal(await c.get('fp-rl:global:127.0.0.1'), '50', 'one INCR per request')
  const ttl = await c.pttl('fp-rl:global:127.0.0.1')
  t.ok(ttl > 0 && ttl <= 60_000, 'the window has its TTL')
  const limited = responses.find((res) => res.statusCode === 429)
  t.equal(limited?.headers['ratelimit-limit'], '20')
  t.match(limited?.headers['retry-after'], /^(?:[1-5]?\d|60)$/)
})

t.test('two app instances share the counts', { skip }, async (t) => {
  const redis = await server(t)
  const one = await rateLimitedApp(t, { max: 5, redis: client(t, redis), storeTimeout: 10_000 })
  const two = await rateLimitedApp(t, { max: 5, redis: client(t, redis), storeTimeout: 10_000 })
  const seen: number[] = []
  for (let i = 0; i < 4; i++) {
    seen.push((await one.app.inject('/')).statusCode)
    seen.push((await two.app.inject('/')).statusCode)
  }
  t.same(seen, [200, 200, 200, 200, 200, 429, 429, 429])
  t.equal((await one.app.inject({ url: '/', remoteAddress: '10.0.0.9' })).statusCode, 200, 'other clients are not affected')
})

t.test('tiers and route limits have their own keys; a redis URL makes a client the plugin owns and closes', { skip }, async (t) => {
  const redis = await server(t)
  const { app } = await rateLimitedApp(t, { max: 100, redis: redis.url, redisPrefix: 'svc:', storeTimeout: 10_000 }, (app) => {
    app.get('/own', { config: { production: { rateLimit: { max: 1, timeWindow: 5000 } } } }, async () => 'ok')
  })
  await app.inject({ method: 'POST', url: '/login' })
  await app.inject('/')
  await app.inject('/own')
  t.equal((await app.inject('/own')).statusCode, 429)
  const c = client(t, redis)
  t.same((await c.keys('svc:*')).sort(), ['svc:global:127.0.0.1', 'svc:route:GET /own:127.0.0.1', 'svc:strict:127.0.0.1'])
  t.ok((await c.pttl('svc:route:GET /own:127.0.0.1')) <= 5000)
  const before = Number((await c.info('clients')).match(/connected_clients:(\d+)/)?.[1])
  await app.close()
  // CLIENT LIST settles after the server notices the socket closed.
  let after = before
  while (after >= before) after = Number((await c.info('clients')).match(/connected_clients:(\d+)/)?.[1])
  t.equal(after, before - 1, 'the owned client is gone after close')
})

t.test('a key that lost its TTL gets one back; a flushed script cache is reloaded', { skip }, async (t) => {
  const redis = await server(t)
  const c = client(t, redis)
  const { app } = await rateLimitedApp(t, { max: 10, redis: c, storeTimeout: 10_000 })
  await c.set('fp-rl:global:127.0.0.1', '3')
  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.equal(await c.get('fp-rl:global:127.0.0.1'), '4')
  t.ok(await c.pttl('fp-rl:global:127.0.0.1') > 0)
  await c.script('FLUSH')
  t.equal((await app.inject('/')).statusCode, 200)
  t.equal(await c.get('fp-rl:global:127.0.0.1'), '5')
})

t.test('Redis killed mid-test: open lets requests through, closed answers 503, both within the bound', { skip }, async (t) => {
  const redis = await server(t)
  const { app, lines } = await rateLimitedApp(t, { max: 100, redis: client(t, redis, { maxRetriesPerRequest: 1 }), storeTimeout: 200 })
  t.equal((await app.inject('/')).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/login' })).statusCode, 200)
  await redis.kill()
  const started = Date.now()
  const [open, closed] = await Promise.all([app.inject('/'), app.inject({ method: 'POST', url: '/login' })])
  const elapsed = Date.now() - started
  t.equal(open.statusCode, 200, 'global tier: onStoreError open')
  t.equal(closed.statusCode, 503, 'strict tier: onStoreError closed')
  t.notMatch(closed.payload, /ECONNREFUSED|127\.0\.0\.1|Connection is closed|timeout/i)
  t.ok(elapsed < 2000, `answered in ${elapsed} ms, bounded by storeTimeout (200 ms) plus slack`)
  t.ok(lines.some((line) => line.level === 40 && /rate-limit store failed/.test(String(line.msg))))
})

t.test('a server that accepts connections and never answers: requests answered within the bound', async (t) => {
  const port = await silentServer(t)
  const c = new Redis(port, '127.0.0.1', { enableReadyCheck: false, maxRetriesPerRequest: null })
  c.on('error', () => {})
  t.teardown(() => { c.disconnect() })
  const { app } = await rateLimitedApp(t, { max: 100, redis: c, storeTimeout: 100 })
  const started = Date.now()
  const [open, closed] = await Promise.all([app.inject('/'), app.inject({ method: 'POST', url: '/login' })])
  const elapsed = Date.now() - started
  t.equal(open.statusCode, 200)
  t.equal(closed.statusCode, 503)
  t.ok(elapsed >= 90 && elapsed < 2000, `answered in ${elapsed} ms: after the 100 ms bound, not never`)
})

t.test('a redis URL that answers nothing: boot continues after a bounded wait, then the policy answers', async (t) => {
  const port = await silentServer(t)
  const { app, lines } = await rateLimitedApp(t, { redis: `redis://127.0.0.1:${port}` })
  t.match(lines.find((line) => line.level === 40), { msg: /not reachable at boot/, err: { message: /not connected within 2000 ms/ } })
  t.equal((await app.inject('/')).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/login' })).statusCode, 503)
})

t.test('a redis URL nobody listens on: boot continues, the policy answers', async (t) => {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const port = (probe.address() as { port: number }).port
  probe.close()
  await once(probe, 'close')
  const { app, lines } = await rateLimitedApp(t, { redis: `redis://127.0.0.1:${port}` })
  t.match(lines.filter((line) => line.level === 40), [{ msg: 'rate-limit Redis connection error', err: { message: /ECONNREFUSED/ } }], 'one warning: the boot failure is folded into it')
  t.equal((await app.inject('/')).statusCode, 200)
  t.equal((await app.inject({ method: 'POST', url: '/login' })).statusCode, 503)
})
