import t from 'tap'
import Fastify from 'fastify'
import { find, HealthCap } from '@fastify-production/core'
import health from '../src/index.js'

t.test('other packages add readiness checks through HealthCap: run with the app\'s own, critical or not', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  t.equal(find(app, HealthCap), undefined, 'absent before registration')
  await app.register(health, { cacheMs: 0 })
  const cap = find(app, HealthCap)
  if (cap === undefined) return t.fail('no capability')
  let cacheUp = true
  cap.addCheck('cache', () => { if (!cacheUp) throw new Error('cache down') }, { critical: false })
  cap.addCheck('db', () => true)
  t.throws(() => cap.addCheck('db', () => true), { code: 'FP_ERR_HEALTH_CHECK' }, 'one name, one check')
  await app.ready()
  const ok = await app.inject('/health/ready')
  t.equal(ok.statusCode, 200)
  cacheUp = false
  const degraded = await app.inject('/health/ready')
  t.equal(degraded.statusCode, 200, 'a non-critical check failing keeps the app ready')
  t.equal(degraded.json().status, 'degraded')
})
