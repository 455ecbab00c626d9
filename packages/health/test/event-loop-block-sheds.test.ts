import t from 'tap'
import Fastify from 'fastify'
import { performance } from 'node:perf_hooks'
import type { AddressInfo } from 'node:net'
import health from '../src/index.js'

t.test('a route that blocks the event loop makes the next request shed with Retry-After while liveness answers', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { sampleInterval: 250, maxEventLoopDelay: 800, retryAfter: 3, warnEventLoopDelay: 0 })
  app.get('/block', async () => {
    const end = performance.now() + 1600
    while (performance.now() < end);
    return 'blocked'
  })
  app.get('/work', async () => 'done')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

  t.equal((await fetch(`${base}/health/live`)).status, 200, 'the client is warmed up before anything blocks')
  const blocked = await fetch(`${base}/block`)
  t.equal(blocked.status, 200, 'the blocking request itself was not shed')
  await blocked.text()

  // The sampler runs before the loop reads the next request, so the very next one is shed.
  const [work, live] = await Promise.all([fetch(`${base}/work?id=1`), fetch(`${base}/health/live`)])
  t.equal(app.health.pressure.reason, 'eventLoopDelay')
  t.ok(app.health.pressure.eventLoopDelayMs > 800, `measured ${app.health.pressure.eventLoopDelayMs} ms`)
  t.equal(work.status, 503)
  t.equal(work.headers.get('retry-after'), '3')
  t.match(work.headers.get('retry-after'), /^\d+$/, 'Retry-After is an integer number of seconds')
  t.equal(work.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  t.match(await work.json(), { type: 'about:blank', title: 'Service Unavailable', status: 503, instance: '/work', code: 'SERVICE_UNAVAILABLE', requestId: /\S+/ })
  t.equal(live.status, 200, 'liveness answers while under pressure')
  t.same(await live.json(), { status: 'ok', checks: {} })
})
