import t from 'tap'
import Fastify from 'fastify'
import errors, { NotFoundError, PROBLEM_CONTENT_TYPE } from '../src/index.js'
import { isFastifyDefaultErrorHandler } from '../src/app-handlers.js'
import { logCapture } from '@fastify-production/test-support'

t.test('Fastify\'s default error handler is told apart from any the app sets (pinned to the installed Fastify)', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  t.ok(isFastifyDefaultErrorHandler(app.errorHandler), 'a new app has the default')
  let child = app.errorHandler
  app.register(async (instance) => { child = instance.errorHandler })
  await app.ready()
  t.ok(isFastifyDefaultErrorHandler(child), 'a child context inherits the default')

  const custom = Fastify()
  t.teardown(() => custom.close())
  custom.setErrorHandler(function defaultErrorHandler (_err, _req, reply) { reply.send('mine') })
  t.notOk(isFastifyDefaultErrorHandler(custom.errorHandler), 'even a handler the app named like Fastify\'s is bound, so told apart')
})

t.test('an error handler set before the suite is kept; one info line at ready says so and how to adopt problem+json', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  const warnings: Error[] = []
  const onWarning = (w: Error): void => { warnings.push(w) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  app.setErrorHandler(function appErrors (err, _req, reply) {
    reply.code(418).send({ mine: (err as Error).message })
  })
  await app.register(errors)
  app.get('/', async () => { throw new NotFoundError('gone') })
  await app.ready()

  const res = await app.inject('/')
  t.equal(res.statusCode, 418)
  t.same(res.json(), { mine: 'gone' }, 'the app\'s format is untouched')
  const notFound = await app.inject('/nope')
  t.equal(notFound.headers['content-type'], PROBLEM_CONTENT_TYPE, 'what the suite answers itself is still problem+json')

  const lines = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/errors'))
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 30, errorHandler: 'appErrors', msg: /the app's error handler "appErrors" answers errors.*remove setErrorHandler/ })
  await new Promise((resolve) => setImmediate(resolve))
  t.same(warnings.filter((w) => (w as { code?: string }).code === 'FSTWRN004'), [], 'no Fastify override warning: the suite did not set one')
})

t.test('an error handler set after the suite runs first, what it rethrows reaches ours, one warn line at ready names it', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(errors, { typeBaseUrl: 'https://docs.example.com/errors/' })
  app.setErrorHandler(function lateHandler (err, _req, reply) {
    if ((err as { code?: string }).code === 'MINE') return reply.code(409).send({ mine: true })
    throw err
  })
  app.get('/mine', async () => { throw Object.assign(new Error('x'), { code: 'MINE' }) })
  app.get('/other', async () => { throw new NotFoundError('Order 7 not found') })
  await app.ready()

  t.same((await app.inject('/mine')).json(), { mine: true }, 'the app\'s handler answers first')
  const other = await app.inject('/other')
  t.equal(other.statusCode, 404)
  t.equal(other.headers['content-type'], PROBLEM_CONTENT_TYPE, 'Fastify chains a rethrown error to the handler it replaced')
  t.match(other.json(), { type: 'https://docs.example.com/errors/NOT_FOUND', detail: 'Order 7 not found' })

  const lines = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/errors'))
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 40, errorHandler: 'lateHandler', msg: /"lateHandler", set after the suite, answers errors first.*Remove that setErrorHandler call/ })
})

t.test('no line at ready when the suite owns both handlers', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(errors)
  await app.ready()
  t.same(logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/errors')), [])
})

t.test('a handler set in an encapsulated child is that child\'s business: no warning', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(errors)
  app.register(async (child) => {
    child.setErrorHandler(function childErrors (err, _req, reply) { reply.code(400).send({ child: (err as Error).message }) })
    child.get('/child', async () => { throw new Error('c') })
  })
  app.get('/root', async () => { throw new Error('r') })
  await app.ready()
  t.same((await app.inject('/child')).json(), { child: 'c' })
  t.equal((await app.inject('/root')).headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.same(logs.lines.filter((l) => l.level === 40), [])
})

t.test('an anonymous handler is called anonymous in the line', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(errors)
  app.setErrorHandler(Object.defineProperty((err: Error) => { throw err }, 'name', { value: '' }))
  await app.ready()
  t.match(logs.lines.find((l) => l.level === 40), { errorHandler: 'anonymous', msg: /"anonymous"/ })
})
