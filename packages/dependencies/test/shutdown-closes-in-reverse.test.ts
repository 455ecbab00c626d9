import t from 'tap'
import { once } from 'node:events'
import { request as httpRequest } from 'node:http'
import Fastify from 'fastify'
import pg from 'pg'
import { Redis } from 'ioredis'
import { Agent, fetch as undiciFetch } from 'undici'
import { findLifecycle } from '@fastify-production/core'
import { holder, startUpstream } from '@fastify-production/test-support'
import { startPostgres } from '@fastify-production/test-support/postgres'
import { redisSkipReason, startRedisServer } from '@fastify-production/test-support/redis'
import dependencies, { httpDependency, pgDependency, redisDependency } from '../src/index.js'
import { logLines } from './log-lines.js'

t.test('at close: in-flight requests finish first, then dependencies close in reverse order of declaration, each client really closed', { skip: redisSkipReason() }, async (t) => {
  const [postgres, redis, upstream] = await Promise.all([startPostgres(), startRedisServer(), startUpstream()])
  t.teardown(async () => { await Promise.all([postgres.stop(), redis.stop(), upstream.close()]) })
  const pool = new pg.Pool({ connectionString: postgres.url, query_timeout: 2000, connectionTimeoutMillis: 2000 })
  const client = new Redis({ port: redis.port, host: '127.0.0.1', lazyConnect: true, commandTimeout: 1000, maxRetriesPerRequest: 1 })
  const agent = new Agent({ headersTimeout: 1000, bodyTimeout: 1000, connectTimeout: 1000 })
  const db = pgDependency(pool)
  const cache = redisDependency(client)
  const shipping = httpDependency({ url: upstream.url, fetch: undiciFetch as unknown as typeof fetch, dispatcher: agent, healthPath: '/health' })

  const log = logLines()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  await app.register(dependencies, { db, cache, shipping })
  const held = holder<unknown>()
  const events: string[] = []
  app.get('/work', async (request, reply) => {
    await held.hold(reply)
    const [row, quote] = await Promise.all([db.query('select 1 as one', [], { request }), shipping.request('/quote', { request })])
    events.push('request answered')
    return { one: row.rows[0].one, quote: quote.body }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.equal(await findLifecycle(app)?.whenReady(), true)
  t.equal(client.status, 'ready')
  t.equal(await shipping.check(new AbortController().signal), true, 'the health path answers through the dispatcher')

  const arrival = held.next()
  const answer = new Promise<{ status: number | undefined, body: string }>((resolve, reject) => {
    const req = httpRequest(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/work`, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => { resolve({ status: res.statusCode, body }) })
    })
    req.on('error', reject)
    req.end()
  })
  await arrival.arrived
  const closed = app.close()
  arrival.release()
  t.same(await answer, { status: 200, body: JSON.stringify({ one: 1, quote: { ok: true } }) }, 'the in-flight request used its dependencies during the close')
  await closed
  for (const line of log.lines) if (/^dependency \w+: closed$/.test(line.msg)) events.push(line.msg)
  t.same(events, ['request answered', 'dependency shipping: closed', 'dependency cache: closed', 'dependency db: closed'])
  t.equal(pool.ended, true, 'pool.end() ran')
  // QUIT answered; the connection ends right after.
  if (client.status !== 'end') await once(client, 'end')
  t.pass('the Redis connection ended')
  t.equal(agent.closed, true, 'the undici dispatcher closed')
})
