import t from 'tap'
import Fastify from 'fastify'
import { PROBLEM_CONTENT_TYPE, problems } from '../src/index.js'

t.test('one writer per app; its body names type, title, status, detail, path without query, code and request id', async (t) => {
  const app = Fastify({ genReqId: () => 'req-1' })
  t.teardown(() => app.close())
  const writer = problems(app)
  t.equal(problems(app), writer)
  app.get('/thing', async (request, reply) => writer.send(request, reply, {
    status: 429, code: 'TOO_MANY_REQUESTS', detail: 'Slow down.', details: { tier: 'strict' }
  }, { 'retry-after': '7' }))
  app.get('/invalid', async (request, reply) => writer.send(request, reply, {
    status: 400, code: 'VALIDATION_FAILED', detail: 'Bad.', errors: [{ path: '/body/x', message: 'must be number' }], stack: 'Error: x'
  }))
  const res = await app.inject('/thing?secret=hunter2')
  t.equal(res.statusCode, 429)
  t.equal(res.headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.equal(res.headers['retry-after'], '7')
  t.same(res.json(), {
    type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Slow down.', instance: '/thing', code: 'TOO_MANY_REQUESTS', requestId: 'req-1', details: { tier: 'strict' }
  })
  t.notMatch(res.body, /hunter2/, 'no query value is echoed')

  writer.typeBaseUrl = 'https://errors.example.com/'
  const invalid = (await app.inject('/invalid')).json()
  t.equal(invalid.type, 'https://errors.example.com/VALIDATION_FAILED', 'typeBaseUrl applies to every problem of the app')
  t.same(invalid.errors, [{ path: '/body/x', message: 'must be number' }])
  t.equal(invalid.stack, 'Error: x')
})

t.test('a status Node has no title for is called Error', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.get('/', async (request) => problems(app).body(request, { status: 499, code: 'CLIENT_CLOSED', detail: 'gone' }))
  t.equal((await app.inject('/')).json().title, 'Error')
})
