import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import errors, { PROBLEM_CONTENT_TYPE } from '../src/index.js'
import { logCapture } from '@fastify-production/test-support'

function suiteLines (lines: Array<{ msg?: string }>): Array<{ msg?: string }> {
  return lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/errors'))
}

t.test('a not-found handler set before the suite is kept; one info line at ready says so', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ mine: 'not here' }))
  await app.register(errors)
  app.get('/', async () => { throw new Error('boom') })
  await app.ready()
  t.same((await app.inject('/nope')).json(), { mine: 'not here' })
  t.equal((await app.inject('/')).headers['content-type'], PROBLEM_CONTENT_TYPE, 'errors still answer problem+json')
  const lines = suiteLines(logs.lines)
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 30, notFoundHandler: 'app', msg: /not-found handler answers unmatched routes.*remove setNotFoundHandler/ })
})

t.test('both handlers set before the suite: one info line names both', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  app.setErrorHandler(function appErrors (_err, _req, reply) { reply.code(500).send('x') })
  app.setNotFoundHandler((_req, reply) => reply.code(404).send('y'))
  await app.register(errors)
  await app.ready()
  const lines = suiteLines(logs.lines)
  t.equal(lines.length, 1)
  t.match(lines[0], { msg: /remove setErrorHandler and setNotFoundHandler from the app/ })
})

t.test('a not-found handler set in a child without a prefix before the suite is kept too', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(async (child) => { child.setNotFoundHandler((_req, reply) => reply.code(404).send('child')) })
  await app.register(errors)
  t.equal((await app.inject('/nope')).body, 'child')
})

t.test('setNotFoundHandler after the suite fails with one coded error naming the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  t.throws(() => { app.setNotFoundHandler((_req, reply) => reply.send('late')) }, {
    code: 'FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET',
    message: /prefix "\/".*before registering the suite.*\{ notFound: false \}/
  })
  t.equal((await app.inject('/nope')).headers['content-type'], PROBLEM_CONTENT_TYPE, 'ours still answers')
})

t.test('the same from a plugin without a prefix (it shares the root\'s not-found handler)', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  app.register(async (child) => { child.setNotFoundHandler((_req, reply) => reply.send('late')) })
  app.register(fp(async (instance) => { instance.setNotFoundHandler((_req, reply) => reply.send('late')) }))
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET' })
})

t.test('a child with a prefix of its own still sets its own not-found handler', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  await app.register(async (child) => {
    child.setNotFoundHandler((_req, reply) => reply.code(404).send('api 404'))
    t.throws(() => { child.setNotFoundHandler((_req, reply) => reply.send('twice')) }, { message: /Not found handler already set for Fastify instance with prefix: '\/api'/ }, 'Fastify\'s own rule still applies inside it')
  }, { prefix: '/api' })
  t.equal((await app.inject('/api/nope')).body, 'api 404')
  t.equal((await app.inject('/nope')).headers['content-type'], PROBLEM_CONTENT_TYPE)
})

t.test('errors registered in a child with a prefix guard only that prefix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(async (child) => {
    await child.register(errors)
    t.throws(() => { child.setNotFoundHandler((_req, reply) => reply.send('late')) }, { code: 'FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET', message: /prefix "\/v1"/ })
  }, { prefix: '/v1' })
  app.setNotFoundHandler((_req, reply) => reply.code(404).send('root'))
  t.equal((await app.inject('/nope')).body, 'root')
  t.equal((await app.inject('/v1/nope')).headers['content-type'], PROBLEM_CONTENT_TYPE)
})

t.test('other failures of setNotFoundHandler are Fastify\'s own', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  await app.ready()
  t.throws(() => { app.setNotFoundHandler((_req, reply) => reply.send('late')) }, { code: 'FST_ERR_INSTANCE_ALREADY_LISTENING' })
})

t.test('errors registered twice on one context fails at boot with the coded error', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  await t.rejects(async () => { await app.register(errors) }, { code: 'FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET' })
})
