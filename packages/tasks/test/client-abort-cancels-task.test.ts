import t from 'tap'
import http from 'node:http'
import Fastify from 'fastify'
import metrics from '@fastify-production/metrics'
import tasks, { clientGone } from '../src/index.js'
import { Gate } from './helpers/gate.js'
import { get, listen, sample } from './helpers/http.js'

const filename = new URL('./fixtures/tasks.mjs', import.meta.url)

t.test('a client that leaves cancels its running task through clientGone(reply); the thread is stopped', async (t) => {
  const gate = new Gate()
  t.teardown(() => { gate.release() })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  await app.register(tasks, { filename, maxThreads: 1 })
  let failed: (err: unknown) => void = () => {}
  const cancelled = new Promise<unknown>((resolve) => { failed = resolve })
  app.post('/hold', async (_request, reply) => {
    try {
      return await app.runTask('hold', { gate: gate.gate }, { signal: clientGone(reply) })
    } catch (err) {
      failed(err)
      throw err
    }
  })
  const port = await listen(app)

  // A POST with a body: its request `close` comes once the body is read, and must not cancel anything.
  const client = http.request({ host: '127.0.0.1', port, path: '/hold', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } })
  client.on('error', () => {})
  client.end(JSON.stringify({ report: 'monthly' }))
  await gate.waitForStarts(1)
  client.destroy()

  t.match(await cancelled, { code: 'FP_ERR_TASKS_ABORTED', message: 'Task hold was cancelled: the client closed the connection before the response' })
  t.equal(await app.runTask('double', 5), 10, 'the only thread was replaced: the pool runs the next task')
  t.equal(gate.started, 1, 'the cancelled task never finished')
  const scrape = (await get(port, '/metrics')).body
  t.equal(sample(scrape, 'tasks_duration_seconds_count{task="hold",outcome="aborted"}'), 1)
  t.equal(sample(scrape, 'tasks_in_flight'), 0)
})

t.test('clientGone does not abort for a POST whose body was read, nor once the response is sent', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { filename, maxThreads: 1 })
  let signal: AbortSignal | undefined
  app.post('/double', async (request, reply) => {
    signal = clientGone(reply)
    return { doubled: await app.runTask('double', (request.body as { n: number }).n, { signal }) }
  })
  const port = await listen(app)
  const res = await fetch(`http://127.0.0.1:${port}/double`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":21}' })
  t.same(await res.json(), { doubled: 42 })
  t.equal(signal?.aborted, false)
})

t.test('a queued task whose signal aborts leaves the queue without running', async (t) => {
  const gate = new Gate()
  t.teardown(() => { gate.release() })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { filename, maxThreads: 1, maxQueue: 1 })
  const first = app.runTask('hold', { gate: gate.gate })
  await gate.waitForStarts(1)
  const controller = new AbortController()
  const queued = app.runTask('hold', { gate: gate.gate }, { signal: controller.signal })
  controller.abort('not needed any more')
  await t.rejects(queued, { code: 'FP_ERR_TASKS_ABORTED', statusCode: 499, message: 'Task hold was cancelled' })
  gate.release()
  t.equal(await first, 'released')
  t.equal(gate.started, 1, 'the queued task never started')
})

t.test('a signal already aborted rejects at once, with the reason as cause', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { filename, maxThreads: 1 })
  const reason = new Error('user went away')
  await t.rejects(app.runTask('double', 1, { signal: AbortSignal.abort(reason) }), {
    code: 'FP_ERR_TASKS_ABORTED', message: 'Task double was cancelled: user went away', cause: reason
  })
})
