import t from 'tap'
import Fastify from 'fastify'
import tasks from '../src/index.js'
import { Gate } from './helpers/gate.js'
import { get, listen } from './helpers/http.js'

t.test('alone (no errors, metrics or health): a full queue is Fastify\'s own 503 with Retry-After', async (t) => {
  const gate = new Gate()
  t.teardown(() => { gate.release() })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { filename: new URL('./fixtures/tasks.mjs', import.meta.url), maxThreads: 1, maxQueue: 0, readiness: 'critical' })
  app.get('/hold', async () => await app.runTask('hold', { gate: gate.gate }))
  app.get('/teapot', async () => { throw Object.assign(new Error('short and stout'), { statusCode: 418 }) })
  const port = await listen(app)

  const held = get(port, '/hold')
  await gate.waitForStarts(1)
  const res = await get(port, '/hold')
  t.equal(res.status, 503)
  t.equal(res.headers['retry-after'], '1')
  t.match(JSON.parse(res.body), { code: 'FP_ERR_TASKS_QUEUE_FULL' })
  t.equal((await get(port, '/teapot')).headers['retry-after'], undefined, 'other errors get no Retry-After')
  gate.release()
  t.equal((await held).status, 200)
})

t.test('fastify.runTask taken by another plugin (fastify-piscina) refuses the boot with FP_ERR_TASKS_DECORATOR_TAKEN', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.decorate('runTask', async () => await Promise.resolve(undefined))
  await t.rejects(async () => { await app.register(tasks) }, { code: 'FP_ERR_TASKS_DECORATOR_TAKEN', message: /fastify-piscina.*tasks: false/ })
})
