import t from 'tap'
import Fastify from 'fastify'
import errors from '@fastify-production/errors'
import health from '@fastify-production/health'
import metrics from '@fastify-production/metrics'
import tasks, { clientGone } from '../src/index.js'
import { Gate } from './helpers/gate.js'
import { get, listen, sample } from './helpers/http.js'

t.test('2 threads + 3 queued: 5 tasks run or wait, the next 2 get 503 problem + Retry-After; metrics and readiness say so', async (t) => {
  const gate = new Gate()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  await app.register(metrics)
  await app.register(health, { cacheMs: 0 })
  await app.register(tasks, { filename: new URL('./fixtures/tasks.mjs', import.meta.url), maxThreads: 2, maxQueue: 3, retryAfter: 2, readiness: 'critical' })
  // Admission is synchronous in runTask: once it returned, the task counts against the bound.
  let submitted = 0
  let onSubmit = (): void => {}
  app.get('/hold', async (_request, reply) => {
    const running = app.runTask('hold', { gate: gate.gate }, { signal: clientGone(reply) })
    submitted++
    onSubmit()
    return { result: await running }
  })
  const port = await listen(app)
  t.teardown(() => { gate.release() })

  const accepted = Array.from({ length: 5 }, () => get(port, '/hold'))
  await new Promise<void>((resolve) => {
    onSubmit = () => { if (submitted === 5) resolve() }
    onSubmit()
  })
  await gate.waitForStarts(2)
  const refused = await Promise.all([get(port, '/hold'), get(port, '/hold')])

  for (const res of refused) {
    t.equal(res.status, 503)
    t.equal(res.headers['retry-after'], '2')
    t.match(res.headers['content-type'], /^application\/problem\+json/)
    t.match(JSON.parse(res.body), { status: 503, code: 'FP_ERR_TASKS_QUEUE_FULL', detail: /task queue is full \(5 running or queued\)/ })
  }
  t.equal(gate.started, 2, 'two tasks run, one per thread')

  const scrape = (await get(port, '/metrics')).body
  t.equal(sample(scrape, 'tasks_in_flight'), 5)
  t.equal(sample(scrape, 'tasks_queue_depth'), 3)
  t.equal(sample(scrape, 'tasks_rejected_total{reason="queue_full"}'), 2)

  const saturated = await get(port, '/health/ready')
  t.equal(saturated.status, 503, 'a critical tasks check makes readiness 503 while the queue is full')
  t.match(JSON.parse(saturated.body), { checks: { tasks: { status: 'fail' } } })

  gate.release()
  for (const res of await Promise.all(accepted)) {
    t.equal(res.status, 200)
    t.same(JSON.parse(res.body), { result: 'released' })
  }
  t.equal(gate.started, 5, 'every accepted task ran')
  t.equal((await get(port, '/health/ready')).status, 200, 'ready again once the queue has room')
  const after = (await get(port, '/metrics')).body
  t.equal(sample(after, 'tasks_in_flight'), 0)
  t.equal(sample(after, 'tasks_duration_seconds_count{task="hold",outcome="ok"}'), 5)
})

t.test('a non-critical readiness check reports degraded and keeps the app ready', async (t) => {
  const gate = new Gate()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { cacheMs: 0 })
  await app.register(tasks, { filename: new URL('./fixtures/tasks.mjs', import.meta.url), maxThreads: 1, maxQueue: 0, readiness: 'non-critical' })
  await app.ready()
  t.teardown(() => { gate.release() })
  t.equal((await app.inject('/health/ready')).json().status, 'ok')
  const held = app.runTask('hold', { gate: gate.gate })
  await gate.waitForStarts(1)
  await t.rejects(app.runTask('hold', { gate: gate.gate }), { code: 'FP_ERR_TASKS_QUEUE_FULL', statusCode: 503, headers: { 'retry-after': '1' } }, 'maxQueue 0: only what the threads run')
  const degraded = await app.inject('/health/ready')
  t.equal(degraded.statusCode, 200)
  t.equal(degraded.json().status, 'degraded')
  gate.release()
  t.equal(await held, 'released')
})
