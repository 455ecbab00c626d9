import t from 'tap'
import Fastify from 'fastify'
import production from '../src/index.js'

t.test('compression is off by default; `compression: {}` turns it on with its defaults', async (t) => {
  const body = { items: Array.from({ length: 200 }, (_, i) => `order-${i}-pending`) }
  const off = Fastify()
  t.teardown(() => off.close())
  await off.register(production, { metrics: false })
  off.get('/orders', async () => body)
  const plain = await off.inject({ url: '/orders', headers: { 'accept-encoding': 'br, gzip' } })
  t.equal(plain.headers['content-encoding'], undefined, 'off unless asked: a reverse proxy usually compresses')

  const on = Fastify()
  t.teardown(() => on.close())
  await on.register(production, { metrics: false, compression: { encodings: ['gzip'] } })
  on.get('/orders', async () => body)
  const res = await on.inject({ url: '/orders', headers: { 'accept-encoding': 'br, gzip' } })
  t.equal(res.headers['content-encoding'], 'gzip')
  t.match(res.headers.vary, /accept-encoding/)
  const problem = await on.inject({ url: '/orders', headers: { 'accept-encoding': 'gzip', cookie: 'sid=1' } })
  t.equal(problem.headers['content-encoding'], undefined, 'the BREACH rule applies through the umbrella')
})

t.test('tasks is on by default: fastify.runTask with the errors package\'s 503 problem; `tasks: false` leaves it out', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(production, { metrics: false, tasks: { maxThreads: 1, maxQueue: 0 } })
  await app.ready()
  t.equal(typeof app.runTask, 'function')
  await t.rejects(app.runTask('square', 2), { code: 'FP_ERR_TASKS_NO_FILE' })

  const without = Fastify()
  t.teardown(() => without.close())
  await without.register(production, { metrics: false, tasks: false })
  await without.ready()
  t.notOk(without.hasDecorator('runTask'))
})
