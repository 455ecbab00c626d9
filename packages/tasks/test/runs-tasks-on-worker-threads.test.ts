import t from 'tap'
import Fastify from 'fastify'
import { threadId } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import errors from '@fastify-production/errors'
import tasks, { clientGone } from '../src/index.js'
import { get, listen } from './helpers/http.js'

const fixtures = new URL('./fixtures/', import.meta.url)
const tasksFile = new URL('tasks.mjs', fixtures)

t.test('a named export of `filename` runs on a worker thread and its result reaches the route', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  await app.register(tasks, { filename: tasksFile, maxThreads: 1 })
  app.get('/double/:n', async (request, reply) => ({ doubled: await app.runTask<number>('double', Number((request.params as { n: string }).n), { signal: clientGone(reply) }) }))
  const port = await listen(app)

  const res = await get(port, '/double/21')
  t.equal(res.status, 200)
  t.same(JSON.parse(res.body), { doubled: 42 })
})

t.test('a module given by file URL, path or file: string runs its default export', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { maxThreads: 1 })
  const square = new URL('square.mjs', fixtures)
  t.equal(await app.runTask(square, 7), 49, 'URL')
  t.equal(await app.runTask(fileURLToPath(square), 8), 64, 'absolute path')
  t.equal(await app.runTask(square.href, 9), 81, 'file: string')
})

t.test('filename may be an absolute path or a file: string', async (t) => {
  for (const filename of [fileURLToPath(tasksFile), tasksFile.href]) {
    const app = Fastify()
    await app.register(tasks, { filename, maxThreads: 1 })
    t.equal(await app.runTask('double', 2), 4, filename)
    await app.close()
  }
})

t.test('the work runs off the main thread, and moved buffers arrive', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { filename: tasksFile, maxThreads: 1 })
  const bytes = new TextEncoder().encode('abc').buffer
  const digest = await app.runTask<string>('digest', bytes, { transferList: [bytes] })
  t.equal(digest, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  t.equal(bytes.byteLength, 0, 'the buffer was moved to the worker, not copied')
  t.equal(threadId, 0, 'the test runs on the main thread')
})

t.test('a task that throws rejects with its error; the route answers a generic 500', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  await app.register(tasks, { filename: tasksFile, maxThreads: 1 })
  await t.rejects(app.runTask('fail'), { message: 'task failed on purpose' })
  app.get('/fail', async () => await app.runTask('fail'))
  const port = await listen(app)
  const res = await get(port, '/fail')
  t.equal(res.status, 500)
  t.notMatch(res.body, /on purpose/, 'the task\'s message stays in the log')
})

t.test('a task name without `filename` is a coded error naming the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(tasks, { maxThreads: 1 })
  await t.rejects(app.runTask('double', 1), { code: 'FP_ERR_TASKS_NO_FILE', statusCode: 500, message: /Task double names an export, but no `filename`/ })
  await t.rejects(app.runTask(new URL('https://example.com/task.js'), 1), { code: 'FP_ERR_TASKS_NO_FILE' }, 'a URL that is no file is a name too')
})
