import t from 'tap'
import Fastify from 'fastify'
import { findLifecycle } from '@fastify-production/core'
import health from '../src/index.js'

t.test('drain() makes readiness 503 for good even though every check passes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  let calls = 0
  await app.register(health, { cacheMs: 0, checks: { db: { check: () => { calls++ } } } })
  await app.ready()
  t.equal((await app.inject('/health/ready')).statusCode, 200)

  app.health.drain()
  app.health.drain()
  t.equal(app.health.state, 'draining')
  const before = calls
  for (let i = 0; i < 3; i++) {
    const res = await app.inject('/health/ready')
    t.equal(res.statusCode, 503)
    t.same(res.json(), { status: 'draining', checks: {} })
  }
  t.equal(calls, before, 'no dependency is queried once draining')

  app.health.setReady(true)
  t.equal((await app.inject('/health/ready')).statusCode, 503, 'setReady(true) cannot undo a drain')
  t.equal(app.health.state, 'draining')
  t.equal((await app.inject('/health/live')).statusCode, 200, 'liveness stays 200')
  t.equal((await app.inject('/health/startup')).statusCode, 200, 'startup stays 200 once started')
})

t.test('drain() before the app is ready wins over startup', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { checks: { db: { check: () => false } } })
  await app.ready()
  app.health.drain()
  const startup = await app.inject('/health/startup')
  t.equal(startup.statusCode, 503)
  t.same(startup.json(), { status: 'draining', checks: {} })
  t.equal((await app.inject('/health/ready')).json().status, 'draining')
})

t.test('a drain of the app\'s lifecycle by another package (shutdown) makes readiness 503', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health)
  await app.ready()
  findLifecycle(app)?.drain()
  t.equal(app.health.state, 'draining')
  const res = await app.inject('/health/ready')
  t.equal(res.statusCode, 503)
  t.same(res.json(), { status: 'draining', checks: {} })
})
