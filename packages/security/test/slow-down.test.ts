import t from 'tap'
import { once } from 'node:events'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { MetricsCap, provide } from '@fastify-production/core'
import { sendRaw } from '@fastify-production/test-support'
import security, { type RateLimitOptions } from '../src/index.js'
import { delayOf, resolveDelay } from '../src/slow-down.js'
import { announcingMetrics, listening, timed } from './helpers/listening.js'

async function slowedApp (t: Parameters<typeof listening>[0], rateLimit: RateLimitOptions, routes: (app: ReturnType<typeof Fastify>) => void = () => {}) {
  const { metrics, events, counts } = announcingMetrics()
  const app = Fastify()
  await app.register(fp(async (instance) => { provide(instance, MetricsCap, metrics, 'test') }, { name: 'test-metrics' }))
  await app.register(security, { rateLimit })
  app.get('/', async () => 'ok')
  routes(app)
  const url = await listening(t, app)
  return { app, url, events, counts }
}

t.test('delays grow by delayMs past delayAfter, stop at maxDelayMs, and never reach 0 again in the window', async (t) => {
  const delay = { after: 2, stepMs: 100, maxMs: 250 }
  t.same([1, 2, 3, 4, 5, 9].map((count) => delayOf(delay, count)), [0, 0, 100, 200, 250, 250])
  t.same(resolveDelay({ delayAfter: 1 }, 5, () => new Error('unused')), { after: 1, stepMs: 500, maxMs: 5000 }, 'defaults: 500 ms per request, at most 5 s')
})

t.test('past delayAfter requests are slowed down over the socket, past max they are refused at once', async (t) => {
  const { url, counts } = await slowedApp(t, { max: 5, timeWindow: '1 minute', delayAfter: 2, delayMs: 150, maxDelayMs: 300 })
  const seen: Array<{ status: number, remaining: string | null, ms: number }> = []
  for (let i = 0; i < 7; i++) {
    const { res, ms } = await timed(url)
    seen.push({ status: res.status, remaining: res.headers.get('ratelimit-remaining'), ms })
  }
  t.same(seen.map((s) => s.status), [200, 200, 200, 200, 200, 429, 429], 'the hard limit still answers 429')
  t.same(seen.map((s) => s.remaining), ['4', '3', '2', '1', '0', '0', '0'], 'the same ratelimit-* headers')
  // Lower bounds only: a busy machine makes requests slower, never faster than their delay.
  t.ok((seen[2] as { ms: number }).ms >= 145, `3rd request waited ${(seen[2] as { ms: number }).ms} ms (>= 150)`)
  t.ok((seen[3] as { ms: number }).ms >= 295, `4th request waited ${(seen[3] as { ms: number }).ms} ms (>= 300)`)
  t.ok((seen[4] as { ms: number }).ms >= 295, `5th request waited ${(seen[4] as { ms: number }).ms} ms (maxDelayMs 300)`)
  t.equal(counts.get('http_requests_delayed_total{"tier":"global"}'), 3, 'three requests slowed down; the refused ones were not')
  t.equal(counts.get('http_requests_rate_limited_total{"tier":"global"}'), 2)
})

t.test('concurrent requests past delayAfter all wait, each by its own count', async (t) => {
  const { url, counts } = await slowedApp(t, { max: 100, delayAfter: 0, delayMs: 100, maxDelayMs: 200 })
  const started = performance.now()
  const answers = await Promise.all(Array.from({ length: 20 }, async () => await timed(url)))
  t.ok(answers.every((a) => a.res.status === 200))
  t.ok(answers.every((a) => a.ms >= 95), 'every one waited at least delayMs')
  t.ok(performance.now() - started < 10_000, 'delays run side by side (20 × 200 ms in series would be 4 s; safety bound 10 s)')
  t.equal(counts.get('http_requests_delayed_total{"tier":"global"}'), 20)
})

t.test('tiers and route limits slow down with their own counters; the default strict tier does not', async (t) => {
  const { url, counts } = await slowedApp(t, {
    max: 100,
    tiers: { search: { max: 10, timeWindow: 60_000, delayAfter: 1, delayMs: 100 } }
  }, (app) => {
    app.get('/search', { config: { production: { rateLimit: 'search' } } }, async () => 'found')
    app.get('/export', { config: { production: { rateLimit: { max: 3, timeWindow: '1 hour', delayAfter: 1, delayMs: 120, maxDelayMs: 120 } } } }, async () => 'csv')
    app.post('/login', { config: { production: { rateLimit: 'strict' } } }, async () => 'in')
  })
  await timed(`${url}/search`)
  const second = await timed(`${url}/search`)
  t.ok(second.ms >= 95, `the tier's 2nd request waited ${second.ms} ms`)
  await timed(`${url}/export`)
  const own = await timed(`${url}/export`)
  t.ok(own.ms >= 115, `the route's 2nd request waited ${own.ms} ms`)
  t.equal(own.res.headers.get('ratelimit-limit'), '3')
  for (let i = 0; i < 3; i++) t.equal((await timed(`${url}/login`, { method: 'POST' })).res.status, 200)
  t.same([...counts.keys()].filter((key) => key.startsWith('http_requests_delayed_total')).sort(),
    ['http_requests_delayed_total{"tier":"route"}', 'http_requests_delayed_total{"tier":"search"}'])
  t.equal(counts.get('http_requests_delayed_total{"tier":"global"}'), undefined, 'the global limit has no slow-down here')
})

t.test('the delayed counter is declared only when something slows down', async (t) => {
  const declared: string[] = []
  const metrics = { counter: ({ name }: { name: string }) => { declared.push(name); return { inc () {} } }, metricsAsJson: async () => [] }
  const app = Fastify()
  t.teardown(() => app.close())
  provide(app, MetricsCap, metrics as never, 'test')
  await app.register(security, { rateLimit: { max: 10 } })
  await app.ready()
  t.same(declared, ['http_requests_rate_limited_total', 'rate_limit_store_errors_total'])
})

t.test('a client that leaves while delayed: its request goes on when the timer fires; the server keeps answering', async (t) => {
  const { url, events } = await slowedApp(t, { max: 100, delayAfter: 0, delayMs: 200 })
  const socket = await sendRaw(Number(new URL(url).port), 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n')
  await once(events, 'http_requests_delayed_total')
  socket.destroy()
  const next = await timed(url)
  t.equal(next.res.status, 200)
  t.ok(next.ms >= 395, `the next request of the same client counts as the 2nd: waited ${next.ms} ms (>= 400)`)
})
