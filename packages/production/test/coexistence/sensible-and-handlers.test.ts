import t from 'tap'
import Fastify, { type FastifyError } from 'fastify'
import sensible from '@fastify/sensible'
import { logCapture } from '@fastify-production/test-support'
import production from '../../src/index.js'

t.test('@fastify/sensible\'s http errors become problem+json', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(sensible)
  await app.register(production)
  app.get('/gone', async () => { throw app.httpErrors.notFound('Task not found') })
  app.get('/boom', async () => { throw app.httpErrors.internalServerError('db password is hunter2') })
  const gone = await app.inject('/gone')
  t.equal(gone.statusCode, 404)
  t.match(gone.json(), { status: 404, detail: 'Task not found' })
  const boom = await app.inject('/boom')
  t.equal(boom.statusCode, 500)
  t.notMatch(boom.body, /hunter2/, 'a 5xx message stays in the log')
})

t.test('the app\'s own error and 404 handlers, set before the umbrella, keep answering', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  app.setErrorHandler((err: FastifyError, _request, reply) => reply.code(err.statusCode ?? 500).send({ message: err.message }))
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ message: 'Not Found' }))
  await app.register(production)
  app.get('/fail', async () => { throw Object.assign(new Error('nope'), { statusCode: 409 }) })
  await app.ready()
  t.same((await app.inject('/fail')).json(), { message: 'nope' })
  t.same((await app.inject('/missing')).json(), { message: 'Not Found' })
  t.ok(logs.lines.some((l) => l.level === 30 && /error handler/.test(String(l.msg))), 'one line says the app\'s handler answers')
})

t.test('an error handler set after the umbrella replaces ours, and the boot says so', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(production)
  app.setErrorHandler((err: FastifyError, _request, reply) => reply.code(418).send({ mine: err.message }))
  app.get('/fail', async () => { throw new Error('x') })
  await app.ready()
  t.same((await app.inject('/fail')).json(), { mine: 'x' })
  t.ok(logs.lines.some((l) => l.level === 40 && /error handler/.test(String(l.msg))), 'a warn line names it')
})

t.test('a 404 handler set after the umbrella: one coded error with the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(production)
  t.throws(() => app.setNotFoundHandler((_request, reply) => reply.code(404).send('no')), { code: 'FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET' })
})
