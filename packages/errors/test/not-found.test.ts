import t from 'tap'
import Fastify from 'fastify'
import errors, { PROBLEM_CONTENT_TYPE } from '../src/index.js'
import { logCapture } from '@fastify-production/test-support'

t.test('unknown routes get a 404 problem with the request id, logged at info', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(errors)
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/nope?api_key=abc' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.same(res.json(), {
    type: 'about:blank', title: 'Not Found', status: 404, detail: 'No route matches this method and path.', instance: '/nope', code: 'NOT_FOUND', requestId: 'req-1'
  })
  t.match(logs.lines.find((l) => l.msg === 'route not found'), { level: 30, reqId: 'req-1' })
})

t.test('notFound: false leaves the 404 handler to the app', async (t) => {
  const app = Fastify()
  await app.register(errors, { notFound: false })
  app.setNotFoundHandler((_req, reply) => reply.code(404).send('custom'))
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/nope' })).body, 'custom')
})
