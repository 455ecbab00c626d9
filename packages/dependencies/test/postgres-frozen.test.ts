import t from 'tap'
import { setTimeout as wait } from 'node:timers/promises'
import Fastify from 'fastify'
import pg from 'pg'
import errors from '@fastify-production/errors'
import health from '@fastify-production/health'
import { findLifecycle } from '@fastify-production/core'
import { preparePostgres } from '@fastify-production/test-support'
import dependencies, { pgDependency } from '../src/index.js'
import { logLines } from './log-lines.js'

const TIMEOUT = 400
const DEADLINE = 1200
const HALF_OPEN_AFTER = 1000

t.test('PostgreSQL frozen with SIGSTOP', async (t) => {
  const postgres = await preparePostgres()
  await postgres.start()
  t.teardown(() => postgres.stop())

  for (const critical of [true, false]) {
    await t.test(`critical: ${String(critical)}: every request is answered within the deadline, the breaker opens, readiness ${critical ? 'fails' : 'degrades'}; after SIGCONT a trial call closes it`, async (t) => {
      const pool = new pg.Pool({ connectionString: postgres.url, query_timeout: TIMEOUT, connectionTimeoutMillis: TIMEOUT, max: 4 })
      const db = pgDependency(pool, {
        critical,
        timeout: TIMEOUT,
        deadline: DEADLINE,
        checkTimeout: TIMEOUT,
        breaker: { window: 6, minimumCalls: 4, halfOpenAfter: HALF_OPEN_AFTER, slowCall: TIMEOUT }
      })
      const log = logLines()
      const app = Fastify({ logger: { level: 'info', stream: log.stream } })
      t.teardown(() => app.close())
      await app.register(errors)
      await app.register(health, { cacheMs: 0 })
      await app.register(dependencies, { db })
      app.get('/now', async (request) => (await db.query<{ now: Date }>('select now() as now', [], { request, idempotent: true })).rows[0])
      await app.ready()
      t.equal(await findLifecycle(app)?.whenReady(), true, 'ready')
      await log.next((l) => l.msg === 'dependency db: connected')
      t.equal((await app.inject('/now')).statusCode, 200)
      t.equal((await app.inject('/health/ready')).statusCode, 200)

      postgres.freeze()
      const codes: string[] = []
      for (let i = 0; i < 6; i++) {
        const started = performance.now()
        const res = await app.inject('/now')
        const elapsed = performance.now() - started
        t.equal(res.statusCode, 503)
        t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
        t.match(res.headers['retry-after'], /^\d+$/)
        // A safety net with room for a busy machine; the policy's bound is DEADLINE.
        t.ok(elapsed < DEADLINE + 1000, `request ${i + 1} answered in ${Math.round(elapsed)} ms`)
        codes.push(res.json().code)
      }
      t.equal(codes[0], 'FP_ERR_DEPENDENCIES_TIMEOUT', 'first: the per-attempt timeouts')
      t.equal(codes.at(-1), 'FP_ERR_DEPENDENCIES_CIRCUIT_OPEN', 'then: fail fast')
      t.equal(db.circuit, 'open')
      const ready = await app.inject('/health/ready')
      t.equal(ready.statusCode, critical ? 503 : 200)
      t.equal(ready.json().status, critical ? 'fail' : 'degraded')

      postgres.thaw()
      await wait(HALF_OPEN_AFTER) // the subject: the breaker's open period
      const back = await app.inject('/now')
      t.equal(back.statusCode, 200, 'the trial call succeeds')
      t.equal(db.circuit, 'closed')
      t.equal((await app.inject('/health/ready')).json().status, 'ok')
    })
  }
})
