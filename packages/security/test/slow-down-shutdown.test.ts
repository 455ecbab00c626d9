import t from 'tap'
import { once } from 'node:events'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { MetricsCap, lifecycle, provide } from '@fastify-production/core'
import security from '../src/index.js'
import { announcingMetrics, listening, timed } from './helpers/listening.js'

// A delay far longer than any bound below: a request that waited it out would fail the test.
const LONG = 120_000

async function slowedApp (t: Parameters<typeof listening>[0]) {
  const { metrics, events, counts } = announcingMetrics()
  const app = Fastify()
  await app.register(fp(async (instance) => { provide(instance, MetricsCap, metrics, 'test') }, { name: 'test-metrics' }))
  await app.register(security, { rateLimit: { max: 100, delayAfter: 0, delayMs: LONG, maxDelayMs: LONG } })
  app.get('/', async () => 'ok')
  const url = await listening(t, app)
  return { app, url, events, counts }
}

t.test('close: delayed requests go on at once and are answered; the close does not wait for the delay', async (t) => {
  const { app, url, events } = await slowedApp(t)
  const waiting = Promise.all([timed(url), timed(url)])
  await once(events, 'http_requests_delayed_total')
  await once(events, 'http_requests_delayed_total')
  const started = performance.now()
  await app.close()
  const answers = await waiting
  t.same(answers.map((a) => [a.res.status, a.body]), [[200, 'ok'], [200, 'ok']], 'each delayed request ran its handler')
  t.same(answers.map((a) => a.res.headers.get('connection')), ['close', 'close'], 'and its connection closes after the answer')
  t.ok(performance.now() - started < 10_000, 'closed long before the 120 s delay (safety bound 10 s)')
})

t.test('drain: delayed requests go on at once; requests arriving while draining are not slowed down, the limit still counts them', async (t) => {
  const { app, url, events, counts } = await slowedApp(t)
  const waiting = timed(url)
  await once(events, 'http_requests_delayed_total')
  lifecycle(app).drain()
  const answer = await waiting
  t.equal(answer.res.status, 200)
  const during = await timed(url)
  t.equal(during.res.status, 200)
  t.equal(during.res.headers.get('ratelimit-remaining'), '98', 'counted by the limit')
  t.equal(counts.get('http_requests_delayed_total{"tier":"global"}'), 1, 'only the request before the drain was delayed')
})

t.test('without a lifecycle holder the suite makes one: an app that only uses this plugin still ends delays at close', async (t) => {
  const app = Fastify()
  let arrived: () => void = () => {}
  const hit = new Promise<void>((resolve) => { arrived = resolve })
  // Runs before the plugin's hook: done() runs it, and with the memory store it sets the timer synchronously.
  app.addHook('onRequest', (_request, _reply, done) => { done(); arrived() })
  await app.register(security, { rateLimit: { max: 100, delayAfter: 0, delayMs: LONG, maxDelayMs: LONG } })
  app.get('/', async () => 'ok')
  const url = await listening(t, app)
  const waiting = timed(url)
  await hit
  await app.close()
  t.equal((await waiting).res.status, 200)
})

t.test('HTTP/2: a delayed stream goes on at close without a Connection header (HTTP/2 forbids it)', async (t) => {
  const { connect } = await import('node:http2')
  const { metrics, events } = announcingMetrics()
  const app = Fastify({ http2: true })
  await app.register(fp(async (instance) => { provide(instance, MetricsCap, metrics, 'test') }, { name: 'test-metrics' }))
  await app.register(security, { rateLimit: { max: 100, delayAfter: 0, delayMs: LONG, maxDelayMs: LONG } })
  app.get('/', async () => 'ok')
  const url = await listening(t, app)
  const session = connect(url)
  t.teardown(() => session.close())
  const stream = session.request({ ':path': '/' })
  stream.setEncoding('utf8')
  let body = ''
  stream.on('data', (chunk: string) => { body += chunk })
  const response = once(stream, 'response') as Promise<[Record<string, string>]>
  await once(events, 'http_requests_delayed_total')
  const closing = app.close()
  const [headers] = await response
  await once(stream, 'end')
  // The client ends its session once answered; the server's close then completes.
  session.close()
  await closing
  t.equal(headers[':status'], 200)
  t.equal(headers.connection, undefined)
  t.equal(body, 'ok')
})
