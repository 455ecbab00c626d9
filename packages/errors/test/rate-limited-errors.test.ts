import t from 'tap'
import Fastify from 'fastify'
import errors, { PROBLEM_CONTENT_TYPE } from '../src/index.js'

t.test('a bare error with statusCode 429 (as @fastify/rate-limit throws) stays a 429 and keeps the headers already set', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors)
  app.get('/', async (_req, reply) => {
    reply.header('retry-after', '60')
    throw Object.assign(new Error('Rate limit exceeded, retry in 1 minute'), { statusCode: 429 })
  })
  const res = await app.inject('/')
  t.equal(res.statusCode, 429)
  t.equal(res.headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.equal(res.headers['retry-after'], '60')
  t.match(res.json(), { status: 429, code: 'TOO_MANY_REQUESTS', detail: 'Too Many Requests' })
})
