import t from 'tap'
import Fastify from 'fastify'
import pg from 'pg'
import health from '@fastify-production/health'
import { findLifecycle } from '@fastify-production/core'
import { preparePostgres } from '@fastify-production/test-support'
import dependencies, { pgDependency } from '../src/index.js'
import { logLines } from './log-lines.js'

t.test('PostgreSQL started after the app: it listens, the startup probe answers 503 while connect attempts back off, and it becomes ready when the database comes up', async (t) => {
  const postgres = await preparePostgres()
  t.teardown(() => postgres.stop())
  const log = logLines()
  const pool = new pg.Pool({ connectionString: postgres.url, query_timeout: 1000, connectionTimeoutMillis: 1000, max: 2 })
  const db = pgDependency(pool, { timeout: 1000, startup: { initialDelay: 50, maxDelay: 400 } })
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  t.teardown(() => app.close())
  await app.register(health)
  await app.register(dependencies, { db })
  await app.listen({ port: 0, host: '127.0.0.1' })

  t.equal(db.status, 'connecting')
  t.equal(findLifecycle(app)?.state, 'starting', 'held while a critical dependency is down')
  t.equal((await app.inject('/health/startup')).statusCode, 503)
  t.equal((await app.inject('/health/ready')).statusCode, 503)

  const third = await log.next((l) => l.dependency === 'db' && l.attempt === 3 && /connect attempt 3 failed; next in \d+ ms/.test(l.msg))
  t.type(third.delayMs, 'number')
  await postgres.start()
  t.equal(await findLifecycle(app)?.whenReady(), true, 'ready once the database answered')
  const connected = await log.next((l) => l.msg === 'dependency db: connected')
  t.ok((connected.attempt as number) > 3, `connected at attempt ${String(connected.attempt)}`)
  const failures = log.lines.filter((l) => /connect attempt \d+ failed/.test(l.msg))
  t.same(failures.map((l) => l.attempt), failures.map((_l, i) => i + 1), 'one line per attempt, in order')
  t.ok(failures.every((l) => (l.delayMs as number) <= 400), 'each delay within maxDelay')
  t.equal((await app.inject('/health/startup')).statusCode, 200)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal((await db.query<{ one: number }>('select 1 as one')).rows[0]?.one, 1)
})
