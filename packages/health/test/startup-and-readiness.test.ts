import t from 'tap'
import Fastify from 'fastify'
import { findLifecycle, lifecycle } from '@fastify-production/core'
import { logCapture } from '@fastify-production/test-support'
import health from '../src/index.js'

t.test('startup and readiness answer 503 until onReady and the critical checks pass, then 200', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  let up = false
  let ranUp: () => void = () => {}
  const upRun = new Promise<void>((resolve) => { ranUp = resolve })
  await app.register(health, { cacheMs: 0, checks: { db: { check: () => { if (up) ranUp(); return up } } } })
  t.equal(app.health.state, 'starting')
  await app.ready()
  t.equal(app.health.state, 'starting', 'the check failed at boot')

  const startup = await app.inject('/health/startup')
  t.equal(startup.statusCode, 503)
  t.equal(startup.json().status, 'starting')
  t.equal(startup.json().checks.db.status, 'fail', 'startup shows what holds it')
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503)
  t.equal(ready.json().status, 'starting')
  t.equal((await app.inject('/health/live')).statusCode, 200, 'liveness is 200 while starting')

  // The retry timer is unref'd; a listening server holds the process open, inject does not.
  const hold = setInterval(() => {}, 60_000)
  t.teardown(() => { clearInterval(hold) })
  up = true
  await upRun // no prober from here: the retry timer started at boot runs the checks again
  await new Promise<void>((resolve) => { setImmediate(resolve) })
  t.equal(app.health.state, 'ready', 'a background retry moved the app to ready')
  t.equal((await app.inject('/health/startup')).statusCode, 200)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
})

t.test('a startup probe can itself complete startup', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  let up = false
  await app.register(health, { prefix: '/_', cacheMs: 0, checks: { db: { check: () => up } } })
  await app.ready()
  up = true
  const res = await app.inject('/_/startup')
  t.equal(res.statusCode, 200)
  t.equal(res.json().status, 'ok')
  t.equal(app.health.state, 'ready')
})

t.test('setReady(false) holds startup and readiness until setReady(true)', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health)
  app.health.setReady(false, 'warming caches')
  await app.ready()
  t.equal(app.health.state, 'starting')
  t.equal((await app.inject('/health/startup')).statusCode, 503)
  app.health.setReady(true)
  t.equal((await app.inject('/health/startup')).statusCode, 200)
  t.equal(app.health.state, 'ready')

  app.health.setReady(false, 'lost the message broker')
  const held = await app.inject('/health/ready')
  t.equal(held.statusCode, 503)
  t.same(held.json(), { status: 'unavailable', checks: {} })
  t.equal((await app.inject('/health/startup')).statusCode, 200, 'startup is done for good')
  t.equal((await app.inject('/health/live')).statusCode, 200)
  app.health.setReady(true)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
})

t.test('setReady(true) before onReady waits for it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health)
  app.health.setReady(false)
  app.health.setReady(true)
  t.equal(app.health.state, 'starting')
  await app.ready()
  t.equal(app.health.state, 'ready')
})

t.test('state goes closing when close begins and closed at the end; liveness is 200 until then', async (t) => {
  const app = Fastify()
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  let gated = false
  let entered: () => void = () => {}
  const inCheck = new Promise<void>((resolve) => { entered = resolve })
  await app.register(health, { cacheMs: 0, checks: { db: { check: async () => { if (gated) { entered(); await gate } } } } })
  const seen: string[] = []
  app.addHook('preClose', (done) => {
    seen.push(app.health.state)
    release()
    done()
  })
  app.addHook('onClose', (_instance, done) => { seen.push(app.health.state); done() })
  await app.ready()
  t.equal(app.health.state, 'ready')
  gated = true
  const probe = app.inject('/health/ready')
  await inCheck
  await app.close()
  const res = await probe
  t.equal(res.statusCode, 503, 'a probe in flight when close began answers 503')
  t.match(res.json().status, /^(closing|closed)$/, 'and says why, whichever close step it finished in')
  t.same(seen, ['closing', 'closing'], 'other plugins see closing while close runs (our onClose runs last)')
  t.equal(app.health.state, 'closed')
})

t.test('state is the app\'s lifecycle: another package\'s startup hold keeps it starting, health\'s checks still show', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  const release = lifecycle(app).hold('another-package')
  await app.register(health, { checks: { db: { check: () => true } } })
  await app.ready()
  t.equal(app.health.state, 'starting')
  t.equal(findLifecycle(app)?.state, 'starting')
  const startup = await app.inject('/health/startup')
  t.equal(startup.statusCode, 503)
  t.match(startup.json(), { status: 'starting', checks: { db: { status: 'ok' } } })
  t.notOk(logs.lines.some((l) => l.msg === 'health: ready'))
  release()
  t.equal(app.health.state, 'ready')
  t.equal((await app.inject('/health/startup')).statusCode, 200)
  t.ok(logs.lines.some((l) => l.msg === 'health: ready'), 'ready is logged when the app gets there')
})

t.test('whenReady() of the app\'s lifecycle waits for health\'s checks', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  let up = false
  await app.register(health, { cacheMs: 0, checks: { db: { check: () => up } } })
  await app.ready()
  const ready = findLifecycle(app)?.whenReady()
  up = true
  t.equal((await app.inject('/health/startup')).statusCode, 200)
  t.equal(await ready, true)
})
