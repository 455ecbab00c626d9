import t from 'tap'
import Fastify from 'fastify'
import { performance } from 'node:perf_hooks'
import health from '../src/index.js'

t.test('a check that never settles reports timeout within its bound, and its signal aborts', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const signals: AbortSignal[] = []
  await app.register(health, {
    cacheMs: 0,
    detailToken: 'a-detail-token-of-some-length',
    checks: {
      db: { check: (signal) => { signals.push(signal); return new Promise(() => {}) }, timeout: 150 },
      fast: { check: async () => 'pong' }
    }
  })
  await app.ready()
  t.equal(app.health.state, 'starting', 'a timed-out critical check holds startup')

  const started = performance.now()
  const res = await app.inject({ url: '/health/ready', headers: { authorization: 'Bearer a-detail-token-of-some-length' } })
  const elapsed = performance.now() - started
  t.equal(res.statusCode, 503)
  const { db, fast } = res.json().checks
  t.match(db, { status: 'timeout', error: 'TimeoutError', message: 'check did not settle within 150 ms' })
  t.equal(fast.status, 'ok', 'the other check ran in parallel and passed')
  t.ok(db.durationMs >= 149, `durationMs ${db.durationMs} covers the timeout`)
  // Generous slack: a busy machine delays the timer, never by seconds.
  t.ok(elapsed < 150 + 5000, `the probe answered after ${Math.round(elapsed)} ms, within the bound plus slack`)
  t.equal(signals.length, 2, 'one run at boot, one for the probe')
  t.ok(signals.every((s) => s.aborted), 'each run\'s signal aborted at its timeout')
  t.equal((signals[1]?.reason as Error).name, 'TimeoutError')
})

t.test('a non-critical check that times out reports degraded and readiness stays 200', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { checks: { search: { check: () => new Promise(() => {}), timeout: 20, critical: false } } })
  await app.ready()
  const res = await app.inject('/health/ready')
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'degraded')
  t.equal(res.json().checks.search.status, 'degraded')
})

t.test('closing the app ends a check still running: its signal aborts and the probe answers', async (t) => {
  const app = Fastify()
  await app.register(health)
  await app.ready()
  let signal: AbortSignal | undefined
  let entered: () => void = () => {}
  const inCheck = new Promise<void>((resolve) => { entered = resolve })
  app.health.addCheck('slow', (s) => { signal = s; entered(); return new Promise(() => {}) }, { timeout: 600_000 })
  const probe = app.inject('/health/ready')
  await inCheck
  await app.close()
  const res = await probe
  t.equal(signal?.aborted, true)
  t.equal(res.statusCode, 503)
  t.equal(app.health.state, 'closed')
})
