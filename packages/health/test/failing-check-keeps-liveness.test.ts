import t, { type Test } from 'tap'
import Fastify from 'fastify'
import health from '../src/index.js'
import { logCapture } from '@fastify-production/test-support'

const TOKEN = 'a-detail-token-of-some-length'

async function build (t: Test) {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  let dbUp = true
  await app.register(health, {
    cacheMs: 0,
    detailToken: TOKEN,
    checks: {
      db: { check: async () => { if (!dbUp) throw new Error('connect ECONNREFUSED db.internal:5432') } },
      cache: { check: () => { throw new TypeError('redis at cache.internal is gone') }, critical: false }
    }
  })
  await app.ready()
  return { app, logs, setDb (up: boolean) { dbUp = up } }
}

t.test('a failing critical check makes readiness 503 and leaves liveness 200', async (t) => {
  const { app, setDb } = await build(t)
  t.equal(app.health.state, 'ready', 'the critical check passed at boot; the non-critical one does not hold startup')
  t.equal((await app.inject('/health/ready')).statusCode, 200)

  setDb(false)
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.equal(ready.headers['cache-control'], 'no-store')
  t.same(ready.json(), {
    status: 'fail',
    checks: { db: { status: 'fail', durationMs: ready.json().checks.db.durationMs }, cache: { status: 'degraded', durationMs: ready.json().checks.cache.durationMs } }
  })
  t.type(ready.json().checks.db.durationMs, 'number')

  const live = await app.inject('/health/live')
  t.equal(live.statusCode, 200)
  t.same(live.json(), { status: 'ok', checks: {} })
  t.equal((await app.inject('/health/startup')).statusCode, 200, 'startup stays 200 once started')
})

t.test('bodies carry no error text; the log does, once per change of status', async (t) => {
  const { app, logs, setDb } = await build(t)
  setDb(false)
  for (let i = 0; i < 3; i++) {
    const res = await app.inject('/health/ready')
    t.notMatch(res.body, /ECONNREFUSED|internal|5432|Error|stack/)
  }
  const failures = logs.lines.filter((l) => l.msg === 'health check db failed')
  t.equal(failures.length, 1, 'a dependency that stays down logs once')
  t.match(failures[0], { level: 40, check: 'db', status: 'fail', err: { message: 'connect ECONNREFUSED db.internal:5432' } })
  t.ok(logs.lines.some((l) => l.msg === 'health check cache failed (non-critical)' && l.level === 40))

  setDb(true)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.ok(logs.lines.some((l) => l.msg === 'health check db recovered' && l.level === 30))
})

t.test('an authenticated caller gets each failing check\'s error class and message', async (t) => {
  const { app, setDb } = await build(t)
  setDb(false)
  const detailed = await app.inject({ url: '/health/ready', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(detailed.statusCode, 503)
  t.match(detailed.json().checks, {
    db: { status: 'fail', error: 'Error', message: 'connect ECONNREFUSED db.internal:5432' },
    cache: { status: 'degraded', error: 'TypeError', message: 'redis at cache.internal is gone' }
  })
  for (const authorization of [`Bearer ${TOKEN}x`, TOKEN, 'Bearer ']) {
    const res = await app.inject({ url: '/health/ready', headers: { authorization } })
    t.notMatch(res.body, /ECONNREFUSED|TypeError/, `no detail for ${JSON.stringify(authorization)}`)
  }
})

t.test('without a detailToken no header unlocks detail', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { checks: { db: { check: async () => false } } })
  await app.ready()
  const res = await app.inject({ url: '/health/ready', headers: { authorization: 'Bearer anything' } })
  t.same(res.json(), { status: 'starting', checks: { db: { status: 'fail', durationMs: res.json().checks.db.durationMs } } }, 'a check returning false fails')
})

t.test('a thrown non-Error is described by its type in detail mode', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { detailToken: TOKEN, checks: { odd: { check: () => { throw 'nope' }, critical: false } } }) // eslint-disable-line no-throw-literal
  await app.ready()
  const res = await app.inject({ url: '/health/ready', headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(res.statusCode, 200, 'a non-critical failure does not fail readiness')
  t.same(res.json(), { status: 'degraded', checks: { odd: { status: 'degraded', durationMs: res.json().checks.odd.durationMs, error: 'string', message: 'nope' } } })
})
