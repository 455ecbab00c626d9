import t from 'tap'
import { createRequire } from 'node:module'
import Fastify, { type FastifyPluginCallback } from 'fastify'
import fp from 'fastify-plugin'
import metrics from '../src/index.js'

// Loaded untyped: its types declare `fastify.metrics` as its own, which is the clash this package
// avoids and test/types checks separately (this test program types `fastify.metrics` as ours).
const fastifyMetrics = (createRequire(import.meta.url)('fastify-metrics') as { default: FastifyPluginCallback<Record<string, unknown>> }).default
// fastify-metrics registers on prom-client's global registry: each app starts it afresh.
const FRESH = { clearRegisterOnInit: true }

const TAKEN = { code: 'FP_ERR_METRICS_DECORATOR_TAKEN' }
const NAMES_THE_FIX = /^fastify-metrics is registered: .*second registry.*Remove fastify-metrics, or keep it and leave this package out \(`metrics: false`/

t.test('fastify-metrics registered before: one coded error naming it and the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyMetrics, FRESH)
  await t.rejects(async () => { await app.register(metrics) }, { ...TAKEN, message: NAMES_THE_FIX })
})

t.test('fastify-metrics under another decorator name and without its endpoint is still a second registry', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyMetrics, { ...FRESH, name: 'prom', endpoint: null })
  await t.rejects(async () => { await app.register(metrics) }, { ...TAKEN, message: NAMES_THE_FIX })
})

t.test('fastify-metrics registered after: our coded error, not Fastify\'s duplicate route', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  await t.rejects(async () => { await app.register(fastifyMetrics, FRESH) }, { ...TAKEN, message: NAMES_THE_FIX })
})

t.test('fastify-metrics registered after, adding no route: refused when the app gets ready', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  await app.register(fastifyMetrics, { ...FRESH, name: 'prom', endpoint: null })
  await t.rejects(async () => { await app.ready() }, { ...TAKEN, message: NAMES_THE_FIX })
})

t.test('any other plugin that decorated `metrics`: named as such', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fp(async (instance) => { instance.decorate<unknown, string>('metrics', { mine: true }) }, { name: 'my-metrics' }))
  await t.rejects(async () => { await app.register(metrics) }, { ...TAKEN, message: /^another plugin already decorates `fastify.metrics`: .*Remove that plugin, or keep it and leave this package out/ })
})

t.test('this package registered twice in one context: the capability says so', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  await t.rejects(async () => { await app.register(metrics) }, { code: 'FP_ERR_CORE_CAPABILITY_TAKEN' })
})

t.test('fastify-metrics alone in another app of the same process is untouched', async (t) => {
  const ours = Fastify()
  t.teardown(() => ours.close())
  await ours.register(metrics)
  const theirs = Fastify()
  t.teardown(() => theirs.close())
  await theirs.register(fastifyMetrics, FRESH)
  theirs.get('/x', async () => 'x')
  await theirs.inject('/x')
  const res = await theirs.inject('/metrics')
  t.equal(res.statusCode, 200)
  t.match(res.body, /http_request_duration_seconds/)
  t.equal((await ours.inject('/metrics')).statusCode, 200)
})
