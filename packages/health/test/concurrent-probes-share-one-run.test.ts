import t from 'tap'
import Fastify from 'fastify'
import health from '../src/index.js'

const PROBES = 200

t.test(`${PROBES} concurrent readiness probes run the check at most twice`, async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  let calls = 0
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  // cacheMs 0 so only sharing an in-flight run can keep the count down, not the cache.
  await app.register(health, {
    cacheMs: 0,
    checks: { db: { check: async () => { calls++; if (calls > 1) await gate } } }
  })
  let waiting = 0
  // The route's handler runs right after its last preHandler: count probes that reached it.
  app.addHook('preHandler', (_request, _reply, done) => {
    if (++waiting === PROBES) setImmediate(release)
    done()
  })
  await app.ready()
  t.equal(calls, 1, 'one run at boot')
  const responses = await Promise.all(Array.from({ length: PROBES }, () => app.inject('/health/ready')))
  t.ok(responses.every((r) => r.statusCode === 200 && r.json().checks.db.status === 'ok'), 'every probe got the shared result')
  t.ok(calls <= 2, `the check ran ${calls} times in all`)
  t.equal(calls, 2, 'the probes shared exactly one run')
})

t.test('a finished run is reused for cacheMs; addCheck invalidates it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  let calls = 0
  await app.register(health, { cacheMs: 60_000, checks: { db: { check: () => { calls++ } } } })
  await app.ready()
  for (let i = 0; i < 5; i++) t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal(calls, 1, 'the boot run served every probe')
  app.health.addCheck('cache', () => true, { critical: false, timeout: 50 })
  const res = await app.inject('/health/ready')
  t.same(Object.keys(res.json().checks), ['db', 'cache'])
  t.equal(calls, 2, 'a new check means a new run')
})
