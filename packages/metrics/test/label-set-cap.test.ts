import t from 'tap'
import Fastify from 'fastify'
import metrics, { OVERFLOW_LABEL } from '../src/index.js'
import { parseExposition } from './exposition.js'

const DURATION = 'http_request_duration_seconds'
const OVERFLOW = 'http_metrics_label_sets_overflow_total'

t.test('past maxLabelSets, observations go to one overflow series per status class and are counted', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { maxLabelSets: 3 })
  // Status codes chosen by the client: the worst case of a route that echoes input into the status.
  app.get('/status/:code', async (request, reply) => reply.code(Number((request.params as { code: string }).code)).send())
  const statuses = [200, 201, 202, 203, 204, 500, 501, 502, 400, 200, 500]
  for (const code of statuses) await app.inject(`/status/${code}`)

  const exposition = parseExposition((await app.inject('/metrics')).body)
  const series = exposition.select(`${DURATION}_count`)
  const own = series.filter((s) => s.labels.route === '/status/:code')
  t.same(own.map((s) => s.labels.status_code), ['200', '201', '202'], 'the first three label sets keep their own series')
  const overflowSeries = series.filter((s) => s.labels.route === OVERFLOW_LABEL)
  t.same(overflowSeries.map((s) => [s.labels.method, s.labels.status_code, s.value]), [
    [OVERFLOW_LABEL, '2xx', 2],
    [OVERFLOW_LABEL, '5xx', 4],
    [OVERFLOW_LABEL, '4xx', 1]
  ])
  t.equal(exposition.sum(`${DURATION}_count`), statuses.length, 'histogram count still equals requests sent')
  t.equal(exposition.sum(OVERFLOW, { metric: DURATION }), 7, 'overflow counter counts each folded observation')
  t.equal(exposition.types.get(OVERFLOW), 'counter')
})

t.test('the overflow counter is there at 0 from the start, so increase() sees the first burst', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false, prefix: 'orders_' })
  const exposition = parseExposition((await app.inject('/metrics')).body)
  t.same(exposition.select(`orders_${OVERFLOW}`).map((s) => [s.labels, s.value]), [[{ metric: `orders_${DURATION}` }, 0]])
})

t.test('the default cap is 1000 label sets: thousands of distinct statuses x routes never grow past it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  app.get('/status/:code', async (request, reply) => reply.code(Number((request.params as { code: string }).code)).send())
  for (let i = 0; i < 3; i++) app.get(`/r${i}/:code`, async (request, reply) => reply.code(Number((request.params as { code: string }).code)).send())
  let sent = 0
  for (const route of ['/status', '/r0', '/r1', '/r2']) {
    for (let code = 200; code < 600; code++) { await app.inject(`${route}/${code}`); sent++ }
  }
  const exposition = parseExposition((await app.inject('/metrics')).body)
  const series = exposition.select(`${DURATION}_count`)
  t.equal(series.filter((s) => s.labels.route !== OVERFLOW_LABEL).length, 1000)
  t.ok(series.filter((s) => s.labels.route === OVERFLOW_LABEL).length <= 5)
  t.equal(exposition.sum(`${DURATION}_count`), sent)
  t.equal(exposition.sum(OVERFLOW), sent - 1000)
})
