import t from 'tap'
import Fastify from 'fastify'
import health from '@fastify-production/health'
import metrics from '@fastify-production/metrics'
import dependencies, { dependency } from '../src/index.js'

const signal = new AbortController().signal

t.test('what a dependency\'s readiness check says in each state', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close().catch(() => {})) // rejects with FP_ERR_DEPENDENCIES_STARTUP: gaveUp never came up
  const gaveUp = dependency({ connect: () => { throw new Error('down') }, startup: { deadline: 1, initialDelay: 10, maxDelay: 10 } })
  const saysNo = dependency({ check: () => false })
  const noCheck = dependency({ critical: false, retry: false, breaker: { window: 1, minimumCalls: 1, halfOpenAfter: 60_000 } })
  const unbroken = dependency({ critical: false, breaker: false })
  await app.register(metrics)
  await app.register(dependencies, { gaveUp, saysNo, noCheck, unbroken })
  await app.register(health, { cacheMs: 0 })
  await t.rejects(gaveUp.check(signal), { message: 'status idle' }, 'before start')
  await app.ready()
  await t.rejects(gaveUp.check(signal), { message: 'status failed' }, 'gave up connecting')
  await t.rejects(saysNo.check(signal), { code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE' }, 'a check returning false is a failure')
  t.equal(await noCheck.check(signal), true, 'no check: the breaker state')
  await t.rejects(noCheck.call(() => { throw new Error('x') }))
  t.equal(noCheck.circuit, 'open')
  await t.rejects(noCheck.check(signal), { message: 'circuit open' })
  await t.rejects(unbroken.call(() => { throw new Error('flaky') }, { idempotent: true }), { code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE' })
  const text = (await app.inject('/metrics')).body
  t.match(text, /dependency_retries_total\{dependency="unbroken"\} 2/, 'two retries counted')
  t.notMatch(text, /dependency_circuit_state\{dependency="unbroken"/, 'no breaker, no breaker state')
  t.match(text, /dependency_up\{dependency="unbroken"\} 1/)
  const ready = await app.inject('/health/ready')
  t.match(ready.json().checks, { gaveUp: { status: 'fail' }, saysNo: { status: 'fail' }, noCheck: { status: 'degraded' }, unbroken: { status: 'ok' } })
})

t.test('closing stops a connect attempt in flight; a signal aborted with a non-Error reason still cancels', async (t) => {
  const app = Fastify()
  let attempted!: () => void
  const second = new Promise<void>((resolve) => { attempted = resolve })
  let attempts = 0
  const stuck = dependency({
    critical: false,
    timeout: 60_000,
    startup: { initialDelay: 1, maxDelay: 1 },
    connect: () => {
      if (++attempts === 1) throw new Error('down')
      attempted()
      return new Promise(() => {})
    }
  })
  await app.register(dependencies, { stuck })
  await app.ready()
  await second
  await app.close()
  t.equal(stuck.status, 'closed', 'the hanging attempt did not hold the close')
  const controller = new AbortController()
  controller.abort('bye')
  await t.rejects(dependency().call(() => 1, { signal: controller.signal }), { code: 'FP_ERR_DEPENDENCIES_ABORTED', message: /the caller aborted/ })
})
