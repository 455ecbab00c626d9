import t from 'tap'
import Fastify from 'fastify'
import { randomBytes } from 'node:crypto'
import metrics, { UNMATCHED_ROUTE } from '../src/index.js'
import { parseExposition } from './exposition.js'

const DURATION = 'http_request_duration_seconds'

async function scrape (app: ReturnType<typeof Fastify>) {
  const res = await app.inject('/metrics')
  return parseExposition(res.body)
}

t.test('1000 distinct ids and 1000 random unknown URLs give route templates, never raw paths', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  app.get('/orders/:id', async (request) => ({ id: (request.params as { id: string }).id }))
  for (let i = 0; i < 1000; i++) await app.inject(`/orders/${i}`)
  for (let i = 0; i < 1000; i++) await app.inject(`/${randomBytes(8).toString('hex')}/${i}?q=${i}`)

  const text = (await app.inject('/metrics')).body
  const exposition = parseExposition(text)
  t.equal(exposition.types.get(DURATION), 'histogram')
  const routes = new Set(exposition.select(`${DURATION}_count`).map((s) => s.labels.route))
  t.same([...routes].sort(), ['/orders/:id', UNMATCHED_ROUTE].sort(), 'only the template and the unmatched label')
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/orders/:id', method: 'GET', status_code: '200' }), 1000, 'histogram count equals requests sent')
  t.equal(exposition.sum(`${DURATION}_count`, { route: UNMATCHED_ROUTE, method: 'GET', status_code: '404' }), 1000)
  t.equal(exposition.select(`${DURATION}_count`).length, 2, 'two label sets in all')
  t.notMatch(text, /orders\/\d/, 'no raw path anywhere in the exposition')
  const inf = exposition.sum(`${DURATION}_bucket`, { route: '/orders/:id', le: '+Inf' })
  t.equal(inf, 1000, '+Inf bucket holds every observation')
  t.ok(exposition.sum(`${DURATION}_sum`, { route: '/orders/:id' }) > 0, 'durations are summed')
})

t.test('buckets are cumulative and follow the configured bounds', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { buckets: [0.5, 100] })
  app.get('/slow', async () => { const end = performance.now() + 600; while (performance.now() < end); return 'ok' })
  app.get('/fast', async () => 'ok')
  await app.inject('/slow')
  await app.inject('/fast')
  const exposition = await scrape(app)
  const le = (route: string, bound: string): number => exposition.sum(`${DURATION}_bucket`, { route, le: bound })
  t.same([le('/slow', '0.5'), le('/slow', '100'), le('/slow', '+Inf')], [0, 1, 1], 'at least 600 ms: above the 0.5 bound')
  // How fast /fast is depends on the machine's load; only the cumulative shape is certain.
  t.ok(le('/fast', '0.5') <= le('/fast', '100'))
  t.same([le('/fast', '100'), le('/fast', '+Inf')], [1, 1])
  t.ok(exposition.sum(`${DURATION}_sum`, { route: '/slow' }) >= 0.6)
})

t.test('HEAD and OPTIONS are their own methods; status codes are their own label', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  app.get('/items', async () => 'ok')
  app.options('/items', async (request, reply) => reply.code(204).send())
  app.route({ method: ['POST', 'PUT'], url: '/items/:id', handler: async (request, reply) => reply.code(request.method === 'POST' ? 201 : 409).send() })
  await app.inject({ method: 'HEAD', url: '/items' })
  await app.inject({ method: 'HEAD', url: '/items' })
  await app.inject({ method: 'OPTIONS', url: '/items' })
  await app.inject({ method: 'GET', url: '/items' })
  await app.inject({ method: 'POST', url: '/items/1' })
  await app.inject({ method: 'PUT', url: '/items/2' })
  await app.inject({ method: 'PUT', url: '/items/3' })
  await app.inject({ method: 'DELETE', url: '/items' })
  const exposition = await scrape(app)
  const count = (method: string, route: string, status: string): number => exposition.sum(`${DURATION}_count`, { method, route, status_code: status })
  t.equal(count('HEAD', '/items', '200'), 2)
  t.equal(count('OPTIONS', '/items', '204'), 1)
  t.equal(count('GET', '/items', '200'), 1)
  t.equal(count('POST', '/items/:id', '201'), 1)
  t.equal(count('PUT', '/items/:id', '409'), 2)
  t.equal(count('DELETE', UNMATCHED_ROUTE, '404'), 1)
  t.equal(exposition.select(`${DURATION}_count`).length, 6)
})

t.test('metrics: false routes and the scrape route are not recorded; probe-like routes are, under their route', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  app.get('/internal', { config: { production: { metrics: false } } }, async () => 'quiet')
  app.get('/health/live', { config: { production: { loadShedding: false, rateLimit: false } } }, async () => ({ status: 'ok' }))
  await app.inject('/internal')
  await app.inject('/health/live')
  await app.inject('/metrics')
  const exposition = await scrape(app)
  const routes = exposition.select(`${DURATION}_count`).map((s) => s.labels.route)
  t.same(routes, ['/health/live'])
})

t.test('hooks the route declares itself still run, once, on GET and its HEAD route', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  const seen: string[] = []
  const own = (request: { method: string }, reply: unknown, done: () => void): void => { seen.push(request.method); done() }
  app.get('/a', { onResponse: [own] }, async () => 'a')
  app.get('/b', { onResponse: own }, async () => 'b')
  await app.register(async (child) => { child.get('/c', async () => 'c') }, { prefix: '/v1' })
  await app.inject('/a')
  await app.inject({ method: 'HEAD', url: '/a' })
  await app.inject('/b')
  await app.inject('/v1/c')
  t.same(seen, ['GET', 'HEAD', 'GET'])
  const exposition = await scrape(app)
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/a', method: 'GET' }), 1)
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/a', method: 'HEAD' }), 1, 'the HEAD route does not record twice')
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/b' }), 1)
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/v1/c' }), 1, 'prefixed routes carry their full template')
})

t.test('a route answering alternately 200 and 500 records both, each in its own series', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  let n = 0
  app.get('/flaky', async (request, reply) => reply.code(n++ % 2 === 0 ? 200 : 500).send('x'))
  for (let i = 0; i < 10; i++) await app.inject('/flaky')
  const exposition = await scrape(app)
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/flaky', status_code: '200' }), 5)
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/flaky', status_code: '500' }), 5)
})

t.test('two routes with the same template (versioned) share one series instead of duplicating it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  app.get('/v', { constraints: { version: '1.0.0' } }, async () => 'one')
  app.get('/v', { constraints: { version: '2.0.0' } }, async () => 'two')
  await app.inject({ url: '/v', headers: { 'accept-version': '1.x' } })
  await app.inject({ url: '/v', headers: { 'accept-version': '2.x' } })
  const exposition = await scrape(app)
  t.same(exposition.select(`${DURATION}_count`, { route: '/v' }).map((s) => s.value), [2])
})

t.test('the JSON view of the registry agrees with the text', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  app.get('/x', async () => 'x')
  await app.inject('/x')
  const json = await app.metrics.registry.getMetricsAsJSON()
  const duration = json.find((m) => m.name === DURATION)
  t.equal(duration?.type, 'histogram')
  t.same(duration?.values.find((v) => (v as { metricName?: string }).metricName === `${DURATION}_count`)?.labels, { method: 'GET', route: '/x', status_code: '200' })
  app.metrics.registry.resetMetrics()
  const exposition = await scrape(app)
  t.equal(exposition.sum(`${DURATION}_count`, { route: '/x' }), 0, 'resetMetrics() zeroes the series')
  await app.inject('/x')
  t.equal((await scrape(app)).sum(`${DURATION}_count`, { route: '/x' }), 1, 'and they count again after it')
})

t.test('a custom not-found handler (as @fastify-production/errors sets) is still recorded as unmatched', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  app.setNotFoundHandler(async (request, reply) => reply.code(404).type('application/problem+json').send('{}'))
  app.get('/known', async (request, reply) => reply.callNotFound())
  await app.inject('/unknown/1')
  await app.inject('/known')
  const exposition = await scrape(app)
  t.same(exposition.select(`${DURATION}_count`).map((s) => [s.labels.route, s.value]), [[UNMATCHED_ROUTE, 2]])
})

t.test('requests refused early by another plugin\'s hook (rate limit 429, shedding 503) are recorded under their route', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  let refuse = 0
  app.addHook('onRequest', (request, reply, done) => {
    if (refuse === 0) return done()
    reply.code(refuse).send({ refused: true })
  })
  app.get('/orders/:id', async () => 'ok')
  await app.inject('/orders/1')
  refuse = 429
  await app.inject('/orders/2')
  refuse = 503
  await app.inject('/orders/3')
  refuse = 0
  const exposition = await scrape(app)
  t.same(exposition.select(`${DURATION}_count`, { route: '/orders/:id' }).map((s) => [s.labels.status_code, s.value]), [['200', 1], ['429', 1], ['503', 1]])
})
