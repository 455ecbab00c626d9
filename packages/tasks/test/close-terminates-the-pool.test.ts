import t from 'tap'
import Fastify from 'fastify'
import { lifecycle } from '@fastify-production/core'
import tasks from '../src/index.js'
import { Gate } from './helpers/gate.js'

const filename = new URL('./fixtures/tasks.mjs', import.meta.url)

t.test('at close, a task still running past closeTimeout is stopped with FP_ERR_TASKS_CLOSED and the threads end', async (t) => {
  const gate = new Gate()
  t.teardown(() => { gate.release() })
  const app = Fastify()
  await app.register(tasks, { filename, maxThreads: 1, closeTimeout: 100 })
  await app.ready()
  // A background task, tied to no request: nothing else waits for it at close.
  const background = app.runTask('hold', { gate: gate.gate })
  await gate.waitForStarts(1)
  const stopped = t.rejects(background, { code: 'FP_ERR_TASKS_CLOSED', statusCode: 503, message: /task hold was stopped/ })
  await app.close()
  await stopped
  await t.rejects(app.runTask('double', 1), { code: 'FP_ERR_TASKS_CLOSED', headers: { 'retry-after': '1' } }, 'closed for good')
})

t.test('at close, a task that finishes within closeTimeout keeps its result', async (t) => {
  const gate = new Gate()
  const app = Fastify()
  await app.register(tasks, { filename, maxThreads: 1 })
  await app.ready()
  const background = app.runTask('hold', { gate: gate.gate })
  await gate.waitForStarts(1)
  const closing = new Promise<void>((resolve) => { lifecycle(app).on((state) => { if (state === 'closing') resolve() }) })
  const closed = app.close()
  await closing
  await t.rejects(app.runTask('double', 1), { code: 'FP_ERR_TASKS_CLOSED', statusCode: 503 }, 'no new task once the close began')
  gate.release()
  await closed
  t.equal(await background, 'released')
})

t.test('building and closing the app 3 times leaves no thread or listener behind', async (t) => {
  const before = process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length
  for (let i = 0; i < 3; i++) {
    const app = Fastify()
    await app.register(tasks, { filename, maxThreads: 1 })
    t.equal(await app.runTask('double', i, { timeout: 60_000 }), 2 * i)
    await app.close()
  }
  t.equal(process.getActiveResourcesInfo().filter((r) => r === 'MessagePort').length, before, 'every worker\'s port closed')
})
