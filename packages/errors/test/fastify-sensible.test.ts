import t, { type Test } from 'tap'
import Fastify from 'fastify'
import sensible from '@fastify/sensible'
import errors, { PROBLEM_CONTENT_TYPE } from '../src/index.js'
import { logCapture } from '@fastify-production/test-support'

async function build (t: Test) {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(sensible)
  await app.register(errors, { typeBaseUrl: 'https://docs.example.com/errors/' })
  return { app, logs }
}

t.test('@fastify/sensible 4xx errors answer problem+json with their status and message', async (t) => {
  const { app, logs } = await build(t)
  app.get('/thrown', async () => { throw app.httpErrors.notFound('Order 7 not found') })
  app.get('/reply', async (_req, reply) => reply.conflict('Already paid'))
  app.get('/assert', async () => { app.assert.equal(1, 2, 422, 'Quantity must be positive') })
  app.get('/default', async (_req, reply) => reply.forbidden())
  app.get('/by-code', async (_req, reply) => reply.getHttpError(410, 'Order 7 was archived'))

  const thrown = await app.inject('/thrown?token=x')
  t.equal(thrown.statusCode, 404)
  t.equal(thrown.headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.same(thrown.json(), {
    type: 'https://docs.example.com/errors/NOT_FOUND', title: 'Not Found', status: 404, detail: 'Order 7 not found', instance: '/thrown', code: 'NOT_FOUND', requestId: 'req-1'
  })
  t.match((await app.inject('/reply')).json(), { status: 409, code: 'CONFLICT', detail: 'Already paid' })
  t.match((await app.inject('/assert')).json(), { status: 422, code: 'UNPROCESSABLE_ENTITY', detail: 'Quantity must be positive' })
  t.match((await app.inject('/default')).json(), { status: 403, code: 'FORBIDDEN', detail: 'Forbidden' })
  t.match((await app.inject('/by-code')).json(), { status: 410, code: 'GONE', detail: 'Order 7 was archived' })
  t.equal(logs.lines.filter((l) => l.level >= 50).length, 0, '4xx are not logged at error')
})

t.test('@fastify/sensible 5xx errors keep their status with the generic detail; the message is only logged', async (t) => {
  const { app, logs } = await build(t)
  app.get('/unavailable', async (_req, reply) => reply.serviceUnavailable('db at 10.0.0.7 is down'))
  app.get('/gateway', async () => { throw app.httpErrors.badGateway('upstream 10.0.0.8 said no') })
  const unavailable = await app.inject('/unavailable')
  t.equal(unavailable.statusCode, 503)
  t.match(unavailable.json(), { status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'An unexpected error occurred.' })
  t.notMatch(unavailable.body, /10\.0\.0\.7/)
  const gateway = await app.inject('/gateway')
  t.match(gateway.json(), { status: 502, code: 'BAD_GATEWAY', detail: 'An unexpected error occurred.' })
  t.notMatch(gateway.body, /10\.0\.0\.8/)
  t.match(logs.lines.find((l) => l.level === 50), { err: { message: 'db at 10.0.0.7 is down' } })
})

t.test('an http-errors 4xx marked expose: false keeps its status, not its message', async (t) => {
  const { app } = await build(t)
  app.get('/', async () => { throw Object.assign(app.httpErrors.badRequest('internal parser state'), { expose: false }) })
  const res = await app.inject('/')
  t.match(res.json(), { status: 400, code: 'BAD_REQUEST', detail: 'Bad Request' })
  t.notMatch(res.body, /parser state/)
})
