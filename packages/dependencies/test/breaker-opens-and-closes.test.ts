import t from 'tap'
import { setTimeout as wait } from 'node:timers/promises'
import Fastify from 'fastify'
import errors from '@fastify-production/errors'
import health from '@fastify-production/health'
import metrics from '@fastify-production/metrics'
import { startUpstream, upstreamAnswers } from '@fastify-production/test-support'
import dependencies, { httpDependency } from '../src/index.js'

const HALF_OPEN_AFTER = 400

async function appWith (url: string, critical: boolean, breaker: Record<string, number> = {}) {
  const shipping = httpDependency({
    url,
    critical,
    healthPath: '/health',
    retry: false,
    breaker: { window: 4, minimumCalls: 4, threshold: 0.5, halfOpenAfter: HALF_OPEN_AFTER, ...breaker }
  })
  const app = Fastify()
  await app.register(errors)
  await app.register(metrics)
  await app.register(health, { cacheMs: 0 })
  await app.register(dependencies, { shipping })
  app.get('/quote', async (request) => (await shipping.request('/quote', { request })).body)
  await app.ready()
  return { app, shipping }
}

const circuitGauge = (text: string, state: string): string | undefined =>
  new RegExp(`^dependency_circuit_state\\{dependency="shipping",state="${state}"\\} (\\d)`, 'm').exec(text)?.[1]

t.test('failures open the breaker: calls fail fast with 503 + Retry-After, readiness fails (critical), /metrics shows it; a trial call closes it', async (t) => {
  const upstream = await startUpstream()
  t.teardown(() => upstream.close())
  const { app, shipping } = await appWith(upstream.url, true)
  t.teardown(() => app.close())
  t.equal((await app.inject('/health/ready')).statusCode, 200)

  upstream.handle = upstreamAnswers.json(500, {})
  // The readiness check above was a call too: 1 success + 3 failures in a window of 4 is over 50%.
  for (let i = 0; i < 3; i++) t.equal((await app.inject('/quote')).json().code, 'FP_ERR_DEPENDENCIES_UNAVAILABLE')
  t.equal(shipping.circuit, 'open')
  const hits = upstream.hits
  const fast = await app.inject('/quote')
  t.equal(fast.statusCode, 503)
  t.equal(fast.json().code, 'FP_ERR_DEPENDENCIES_CIRCUIT_OPEN')
  t.equal(fast.headers['retry-after'], '1', 'seconds until the trial call, rounded up')
  t.equal(upstream.hits, hits, 'an open breaker sends nothing upstream')
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 503, 'critical: readiness fails')
  t.equal(ready.json().checks.shipping.status, 'fail')
  const text = (await app.inject('/metrics')).body
  t.equal(circuitGauge(text, 'open'), '1')
  t.equal(circuitGauge(text, 'closed'), '0')
  t.match(text, /dependency_call_duration_seconds_count\{dependency="shipping",outcome="failure"\} 3/)
  t.match(text, /dependency_call_duration_seconds_count\{dependency="shipping",outcome="circuit_open"\} 2/, 'the fast-failed call and the readiness check')
  t.match(text, /dependency_up\{dependency="shipping"\} 0/)

  upstream.handle = upstreamAnswers.json(200, { price: 7 })
  await wait(HALF_OPEN_AFTER) // the subject: the breaker's open period
  t.equal(shipping.circuit, 'half-open')
  t.same((await app.inject('/quote')).json(), { price: 7 }, 'the trial call goes through')
  t.equal(shipping.circuit, 'closed')
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  t.equal(circuitGauge((await app.inject('/metrics')).body, 'closed'), '1')
})

t.test('non-critical: an open breaker degrades readiness; the readiness check is the trial call that closes it', async (t) => {
  const upstream = await startUpstream(upstreamAnswers.json(500, {}))
  t.teardown(() => upstream.close())
  const { app, shipping } = await appWith(upstream.url, false)
  t.teardown(() => app.close())
  for (let i = 0; i < 4; i++) await app.inject('/quote')
  t.equal(shipping.circuit, 'open')
  const degraded = await app.inject('/health/ready')
  t.equal(degraded.statusCode, 200)
  t.equal(degraded.json().status, 'degraded')
  upstream.handle = upstreamAnswers.json(200, {})
  await wait(HALF_OPEN_AFTER)
  const before = upstream.hits
  const ok = await app.inject('/health/ready')
  t.equal(ok.json().status, 'ok')
  t.equal(upstream.hits, before + 1, 'one trial call: the health path')
  t.equal(shipping.circuit, 'closed')
})

t.test('slow calls count as failures: they answer, then the breaker opens', async (t) => {
  const upstream = await startUpstream((_req, res) => { setTimeout(() => res.end('late'), 120) })
  t.teardown(() => upstream.close())
  const { app, shipping } = await appWith(upstream.url, false, { slowCall: 60 })
  t.teardown(() => app.close())
  for (let i = 0; i < 4; i++) t.equal((await app.inject('/quote')).body, 'late', 'a slow call still answers')
  t.equal(shipping.circuit, 'open', 'four slow calls out of four opened it')
  t.equal((await app.inject('/quote')).json().code, 'FP_ERR_DEPENDENCIES_CIRCUIT_OPEN')
})
