import t from 'tap'
import Fastify from 'fastify'
import errors from '@fastify-production/errors'
import { startUpstream, upstreamAnswers } from '@fastify-production/test-support'
import dependencies, { httpDependency } from '../src/index.js'

const POLICY = { timeout: 300, deadline: 4000, retry: { retries: 2, initialDelay: 10, maxDelay: 50 } }

async function appCalling (url: string) {
  const shipping = httpDependency({ url, ...POLICY })
  const app = Fastify()
  await app.register(errors)
  await app.register(dependencies, { shipping })
  app.get('/quote', async (request) => (await shipping.request('/quote', { request })).body)
  app.post('/order', async (request, reply) => {
    const res = await shipping.request('/order', { request, method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    return reply.code(res.status).send(res.body)
  })
  await app.ready()
  return app
}

t.test('exact attempts per call, and what the client gets', async (t) => {
  const upstream = await startUpstream()
  t.teardown(() => upstream.close())
  const cases = [
    { name: 'hanging upstream, GET: 3 attempts, each cut at the attempt timeout', handle: upstreamAnswers.hang(), method: 'GET', attempts: 3, status: 503, code: 'FP_ERR_DEPENDENCIES_TIMEOUT', retryAfter: '5' },
    { name: 'hanging upstream, POST: 1 attempt (not idempotent)', handle: upstreamAnswers.hang(), method: 'POST', attempts: 1, status: 503, code: 'FP_ERR_DEPENDENCIES_TIMEOUT', retryAfter: '5' },
    { name: '503 with Retry-After: 1, GET: 3 attempts a second apart; the client is told 1 s', handle: upstreamAnswers.json(503, {}, { 'retry-after': '1' }), method: 'GET', attempts: 3, status: 503, code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE', retryAfter: '1' },
    { name: '503 with Retry-After: 30, GET: 1 attempt (the wait is past the deadline); the client is told 30 s', handle: upstreamAnswers.json(503, {}, { 'retry-after': '30' }), method: 'GET', attempts: 1, status: 503, code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE', retryAfter: '30' },
    { name: '503 without Retry-After, POST: 3 attempts (the upstream refused the work, safe to repeat)', handle: upstreamAnswers.json(503, {}), method: 'POST', attempts: 3, status: 503, code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE', retryAfter: '5' },
    { name: 'connection reset, GET: 3 attempts', handle: upstreamAnswers.reset(), method: 'GET', attempts: 3, status: 503, code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE', retryAfter: '5' },
    { name: 'connection reset, POST: 1 attempt (it may have been processed)', handle: upstreamAnswers.reset(), method: 'POST', attempts: 1, status: 503, code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE', retryAfter: '5' },
    { name: '500, GET: 3 attempts', handle: upstreamAnswers.json(500, {}), method: 'GET', attempts: 3, status: 503, code: 'FP_ERR_DEPENDENCIES_UNAVAILABLE', retryAfter: '5' },
    { name: '404 is an answer: 1 attempt, passed on', handle: upstreamAnswers.json(404, { missing: true }), method: 'POST', attempts: 1, status: 404, code: undefined, retryAfter: undefined },
    { name: '200: 1 attempt', handle: upstreamAnswers.json(200, { price: 7 }), method: 'GET', attempts: 1, status: 200, code: undefined, retryAfter: undefined }
  ]
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      upstream.handle = c.handle
      const app = await appCalling(upstream.url)
      t.teardown(() => app.close())
      const before = upstream.hits
      const started = performance.now()
      const res = await app.inject({ method: c.method, url: c.method === 'GET' ? '/quote' : '/order' })
      const elapsed = performance.now() - started
      t.equal(upstream.hits - before, c.attempts, 'attempts that reached the upstream')
      t.equal(res.statusCode, c.status)
      t.equal(res.headers['retry-after'], c.retryAfter)
      if (c.code !== undefined) {
        t.match(res.json(), { status: 503, code: c.code, detail: /shipping/ })
        t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
      }
      // A safety net, not a speed test: the deadline bounds every call.
      t.ok(elapsed < POLICY.deadline + 2000, `answered within the deadline (${Math.round(elapsed)} ms)`)
    })
  }
})
