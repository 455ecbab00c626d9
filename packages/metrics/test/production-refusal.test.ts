import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import metrics from '../src/index.js'

function inProduction (t: { teardown: (fn: () => void) => void }): void {
  const before = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  t.teardown(() => { process.env.NODE_ENV = before })
}

t.test('NODE_ENV=production with neither token nor port refuses to boot', async (t) => {
  inProduction(t)
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(metrics) }, { code: 'FP_ERR_METRICS_UNPROTECTED', message: /\/metrics is unprotected.*token.*port.*public: true/ })
})

t.test('in production, token, port or an explicit public: true is accepted', async (t) => {
  inProduction(t)
  for (const options of [{ token: 't' }, { port: 0 }, { public: true }]) {
    const app = Fastify()
    await app.register(metrics, options)
    await app.ready()
    await app.close()
    t.pass(JSON.stringify(options))
  }
})

t.test('public: true does not cover heap snapshots', async (t) => {
  inProduction(t)
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(metrics, { public: true, heapSnapshot: { dir: '/tmp/x' } }) }, { code: 'FP_ERR_METRICS_UNPROTECTED', message: /heap-snapshot/ })
})

t.test('outside production an open endpoint boots, with a warning', async (t) => {
  const before = process.env.NODE_ENV
  delete process.env.NODE_ENV
  t.teardown(() => { process.env.NODE_ENV = before })
  const logs = logCapture()
  const app = Fastify({ logger: { stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(metrics)
  await app.ready()
  const warning = logs.lines.find((l) => l.level === 40)
  t.match(warning, { path: '/metrics', msg: /open to anyone.*token.*port/ })
  t.equal((await app.inject('/metrics')).statusCode, 200)
})

t.test('a protected endpoint boots without the warning', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(metrics, { token: 'x' })
  await app.ready()
  t.equal(logs.lines.filter((l) => l.level === 40).length, 0)
})
