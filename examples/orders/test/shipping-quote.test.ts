import t from 'tap'
import { startUpstream, upstreamAnswers } from '@fastify-production/test-support'
import { buildApp } from '../src/app.js'

t.test('GET /shipping/quote asks the shipping API named by SHIPPING_URL', async (t) => {
  const upstream = await startUpstream()
  t.teardown(() => upstream.close())
  const app = await buildApp({ env: { SHIPPING_URL: upstream.url }, server: { logger: false } })
  t.teardown(() => app.close())

  await t.test('an answer: the quote', async (t) => {
    upstream.handle = (req, res) => {
      t.equal(req.url, '/quote?quantity=3')
      upstreamAnswers.json(200, { price: 12.5, currency: 'EUR' })(req, res)
    }
    const res = await app.inject('/shipping/quote?quantity=3')
    t.equal(res.statusCode, 200)
    t.same(res.json(), { quantity: 3, price: 12.5, currency: 'EUR' })
  })

  await t.test('a hung upstream: 503 problem+json with Retry-After within the 3 s deadline, after 3 attempts', async (t) => {
    upstream.handle = upstreamAnswers.hang()
    const before = upstream.hits
    const started = performance.now()
    const res = await app.inject('/shipping/quote?quantity=1')
    const elapsed = performance.now() - started
    t.equal(res.statusCode, 503)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.headers['retry-after'], '5')
    t.match(res.json(), { code: 'FP_ERR_DEPENDENCIES_TIMEOUT', detail: /shipping/ })
    t.equal(upstream.hits - before, 3, 'three attempts of 1 s within the deadline')
    t.ok(elapsed < 3000 + 1500, `answered in ${Math.round(elapsed)} ms`)
  })

  await t.test('an answer that is no quote: 502', async (t) => {
    upstream.handle = upstreamAnswers.json(404, { error: 'unknown' })
    const res = await app.inject('/shipping/quote?quantity=1')
    t.equal(res.statusCode, 502)
    t.equal(res.json().code, 'SHIPPING_QUOTE_UNAVAILABLE')
  })

  await t.test('a 200 whose body is no quote (null, or a price without a currency): 502', async (t) => {
    for (const body of [null, { price: 3 }]) {
      upstream.handle = upstreamAnswers.json(200, body)
      const res = await app.inject('/shipping/quote?quantity=1')
      t.equal(res.statusCode, 502, JSON.stringify(body))
      t.equal(res.json().code, 'SHIPPING_QUOTE_UNAVAILABLE')
    }
  })

  await t.test('the shipping API is a non-critical dependency: it shows in readiness', async (t) => {
    const ready = await app.inject('/health/ready')
    t.equal(ready.statusCode, 200)
    t.ok(ready.json().checks.shipping, 'named in readiness')
  })
})

t.test('without SHIPPING_URL the example runs alone: no quote route', async (t) => {
  const app = await buildApp({ env: {}, server: { logger: false } })
  t.teardown(() => app.close())
  t.equal((await app.inject('/shipping/quote?quantity=1')).statusCode, 404)
  t.equal((await app.inject('/health/ready')).statusCode, 200)
})
