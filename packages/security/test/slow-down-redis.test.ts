import t from 'tap'
import { once } from 'node:events'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import type { Test } from 'tap'
import { Redis } from 'ioredis'
import { MetricsCap, provide } from '@fastify-production/core'
import { redisSkipReason, startRedisServer, type RedisServer } from '@fastify-production/test-support/redis'
import security, { type RateLimitOptions } from '../src/index.js'
import { announcingMetrics, listening, timed } from './helpers/listening.js'

const skip = redisSkipReason()

async function server (t: Test): Promise<RedisServer> {
  const redis = await startRedisServer()
  t.teardown(() => redis.stop())
  return redis
}

function client (t: Test, redis: RedisServer): Redis {
  const c = new Redis(redis.port, '127.0.0.1')
  c.on('error', () => {})
  t.teardown(() => { c.disconnect() })
  return c
}

async function instance (t: Test, rateLimit: RateLimitOptions) {
  const { metrics, events, counts } = announcingMetrics()
  const app = Fastify()
  await app.register(fp(async (i) => { provide(i, MetricsCap, metrics, 'test') }, { name: 'test-metrics' }))
  await app.register(security, { rateLimit })
  app.get('/', async () => 'ok')
  return { app, url: await listening(t, app), events, counts }
}

/** Calls Redis has served for a command, from INFO commandstats. */
async function calls (c: Redis, command: string): Promise<number> {
  const match = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await c.info('commandstats'))
  return Number(match?.[1] ?? 0)
}

t.test('one round trip per request gives both verdicts; two instances slow down on their shared count', { skip }, async (t) => {
  const redis = await server(t)
  const admin = client(t, redis)
  const options = { max: 4, timeWindow: '1 minute', delayAfter: 2, delayMs: 150, storeTimeout: 10_000 }
  const one = await instance(t, { ...options, redis: client(t, redis) })
  const two = await instance(t, { ...options, redis: redis.url })
  await timed(one.url) // loads the script (NOSCRIPT, then EVAL) before counting
  await admin.config('RESETSTAT')
  const seen = []
  seen.push(await timed(two.url))
  seen.push(await timed(one.url))
  seen.push(await timed(two.url))
  seen.push(await timed(one.url))
  t.same(seen.map((s) => s.res.status), [200, 200, 200, 429], 'requests 2-4 of the window, then the hard limit')
  t.same(seen.map((s) => s.res.headers.get('ratelimit-remaining')), ['2', '1', '0', '0'])
  t.ok((seen[1] as { ms: number }).ms >= 145, `3rd request of the window (on the other instance) waited ${(seen[1] as { ms: number }).ms} ms (>= 150)`)
  t.ok((seen[2] as { ms: number }).ms >= 295, `4th waited ${(seen[2] as { ms: number }).ms} ms (>= 300)`)
  t.equal(await calls(admin, 'evalsha'), 4, 'one script call per request: the slow-down reads the same count')
  t.equal(await calls(admin, 'incr'), 4)
  t.equal(await admin.get('fp-rl:global:127.0.0.1'), '5', 'the same key as the rate limit')
})

t.test('close with a request delayed on Redis counts: it goes on at once', { skip }, async (t) => {
  const redis = await server(t)
  const { app, url, events } = await instance(t, { max: 100, delayAfter: 0, delayMs: 120_000, maxDelayMs: 120_000, redis: client(t, redis), storeTimeout: 10_000 })
  const waiting = timed(url)
  await once(events, 'http_requests_delayed_total')
  const started = performance.now()
  await app.close()
  t.equal((await waiting).res.status, 200)
  t.ok(performance.now() - started < 10_000, 'closed long before the 120 s delay (safety bound 10 s)')
})

t.test('a failing store lets requests through without delay (onStoreError: open): nothing to count, nothing to slow down', { skip }, async (t) => {
  const redis = await server(t)
  const { url, counts } = await instance(t, { max: 100, delayAfter: 0, delayMs: 120_000, maxDelayMs: 120_000, redis: client(t, redis), storeTimeout: 200 })
  await redis.kill()
  const { res } = await timed(url)
  t.equal(res.status, 200)
  t.equal(counts.get('http_requests_delayed_total{"tier":"global"}'), undefined)
  t.equal(counts.get('rate_limit_store_errors_total{"tier":"global"}'), 1)
})
