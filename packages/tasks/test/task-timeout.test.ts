import t from 'tap'
import Fastify from 'fastify'
import errors from '@fastify-production/errors'
import metrics from '@fastify-production/metrics'
import tasks, { clientGone } from '../src/index.js'
import { Gate } from './helpers/gate.js'
import { get, listen, sample } from './helpers/http.js'

const filename = new URL('./fixtures/tasks.mjs', import.meta.url)

t.test('a task past its timeout is stopped (its thread too) and the route answers 503 FP_ERR_TASKS_TIMEOUT', async (t) => {
  const gate = new Gate()
  t.teardown(() => { gate.release() })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  await app.register(metrics)
  // One thread: the next task can only run if the timed-out one's thread was really stopped.
  await app.register(tasks, { filename, maxThreads: 1, timeout: 1500 })
  app.get('/hold', async (_request, reply) => await app.runTask('hold', { gate: gate.gate }, { signal: clientGone(reply) }))
  const port = await listen(app)
  // The timeout counts from the call; a warm thread makes sure it is the running task that is stopped.
  // (Thread start-up counts too, and is slow under the test runner's loaders: the warm-up waits longer.)
  t.equal(await app.runTask('double', 1, { timeout: 60_000 }), 2)

  const res = await get(port, '/hold')
  t.equal(gate.started, 1, 'the task had started')
  t.equal(res.status, 503)
  t.equal(res.headers['retry-after'], undefined, 'a timeout is no invitation to retry at once')
  t.match(JSON.parse(res.body), { code: 'FP_ERR_TASKS_TIMEOUT', detail: 'Task hold did not finish within 1500 ms' })

  t.equal(await app.runTask('double', 4, { timeout: 60_000 }), 8, 'the only thread was replaced: the pool runs the next task')
  const scrape = (await get(port, '/metrics')).body
  t.equal(sample(scrape, 'tasks_duration_seconds_count{task="hold",outcome="timeout"}'), 1)
  t.equal(sample(scrape, 'tasks_in_flight'), 0)
})

t.test('a call\'s own timeout overrides the plugin\'s', async (t) => {
  const gate = new Gate()
  t.teardown(() => { gate.release() })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { filename, maxThreads: 1 })
  await t.rejects(app.runTask('hold', { gate: gate.gate }, { timeout: 100 }), {
    code: 'FP_ERR_TASKS_TIMEOUT', statusCode: 503, expose: true, message: 'Task hold did not finish within 100 ms'
  })
})
