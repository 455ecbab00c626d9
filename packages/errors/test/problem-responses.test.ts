import t, { type Test } from 'tap'
import Fastify from 'fastify'
import errors, { AppError, NotFoundError, ServiceUnavailableError, TooManyRequestsError, createError, PROBLEM_CONTENT_TYPE } from '../src/index.js'
import { problems } from '@fastify-production/core'
import { logCapture } from '@fastify-production/test-support'

async function build (t: Test, options = {}) {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(errors, options)
  t.teardown(() => app.close())
  return { app, logs }
}

t.test('an AppError becomes RFC 9457 problem+json with its status, code and message', async (t) => {
  const { app } = await build(t)
  app.get('/orders/:id', async () => { throw new NotFoundError('Order 42 not found') })
  const res = await app.inject({ url: '/orders/42?token=secret' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.same(res.json(), {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'Order 42 not found',
    instance: '/orders/42',
    code: 'NOT_FOUND',
    requestId: 'req-1'
  })
  t.notMatch(res.body, /token|secret/, 'the query string is not echoed')
})

t.test('typeBaseUrl turns type into a link per code', async (t) => {
  const { app } = await build(t, { typeBaseUrl: 'https://docs.example.com/errors/' })
  const OutOfStock = createError('OUT_OF_STOCK', 409, 'Out of stock')
  app.get('/', async () => { throw new OutOfStock() })
  const body = (await app.inject({ url: '/' })).json()
  t.equal(body.type, 'https://docs.example.com/errors/OUT_OF_STOCK')
  t.equal(body.code, 'OUT_OF_STOCK')
  t.equal(body.detail, 'Out of stock')
})

t.test('exposed details and asked-for headers of our own errors are sent', async (t) => {
  const { app } = await build(t)
  app.get('/', async () => { throw new TooManyRequestsError('slow down', { details: { limit: 5 }, headers: { 'retry-after': '30' } }) })
  const res = await app.inject({ url: '/' })
  t.equal(res.statusCode, 429)
  t.equal(res.headers['retry-after'], '30')
  t.same(res.json().details, { limit: 5 })
})

t.test('a 5xx AppError hides its message and details unless it says expose', async (t) => {
  const { app, logs } = await build(t)
  app.get('/hidden', async () => { throw new ServiceUnavailableError('pg at 10.0.0.7 refused', { details: { host: '10.0.0.7' } }) })
  app.get('/shown', async () => { throw new AppError(503, 'Maintenance until 14:00', { expose: true }) })
  const hidden = await app.inject({ url: '/hidden' })
  t.equal(hidden.statusCode, 503)
  t.equal(hidden.json().detail, 'An unexpected error occurred.')
  t.notMatch(hidden.body, /10\.0\.0\.7/)
  t.equal((await app.inject({ url: '/shown' })).json().detail, 'Maintenance until 14:00')
  const line = logs.lines.find((l) => l.msg === 'request failed')
  t.equal(line?.level, 50, '5xx logged at error')
  t.match(line, { reqId: 'req-1', err: { message: 'pg at 10.0.0.7 refused' } }, 'the log has the full error and request id')
})

t.test('unknown errors are a generic 500 whatever they carry; nothing of theirs leaks', async (t) => {
  const { app, logs } = await build(t)
  app.get('/', async () => {
    const err = Object.assign(new Error('select * from users where password = $1 at db.internal:5432'), {
      statusCode: 404, status: 401, headers: { 'x-leak': 'yes', location: 'https://evil.example' }, code: 'ECONNREFUSED'
    })
    throw err
  })
  const res = await app.inject({ url: '/' })
  t.equal(res.statusCode, 500)
  t.same(res.json(), {
    type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred.', instance: '/', code: 'INTERNAL_SERVER_ERROR', requestId: 'req-1'
  })
  t.equal(res.headers['x-leak'], undefined)
  t.equal(res.headers.location, undefined)
  t.notMatch(res.body, /select|db\.internal|stack/)
  t.match(logs.lines.find((l) => l.level === 50), { err: { message: /select \* from users/, stack: /Error/ } })
})

t.test('http-errors style errors with expose: true keep their status and message', async (t) => {
  const { app } = await build(t)
  app.get('/payload', async () => { throw Object.assign(new Error('Too big'), { status: 413, expose: true }) })
  app.get('/coded', async () => { throw Object.assign(new Error('Slow down'), { statusCode: 429, expose: true, code: 'RATE_LIMITED' }) })
  app.get('/bad-code', async () => { throw Object.assign(new Error('Nope'), { statusCode: 403, expose: true, code: 'not a code' }) })
  app.get('/unexposed', async () => { throw Object.assign(new Error('Internal detail'), { statusCode: 403 }) })
  t.match((await app.inject({ url: '/payload' })).json(), { status: 413, detail: 'Too big', code: 'PAYLOAD_TOO_LARGE' })
  t.match((await app.inject({ url: '/coded' })).json(), { status: 429, code: 'RATE_LIMITED' })
  t.match((await app.inject({ url: '/bad-code' })).json(), { status: 403, code: 'FORBIDDEN' })
  t.match((await app.inject({ url: '/unexposed' })).json(), { status: 500, code: 'INTERNAL_SERVER_ERROR' })
})

t.test('Fastify\'s own 4xx errors keep their status: bad JSON, empty body, too large, unsupported type', async (t) => {
  const { app } = await build(t)
  app.post('/', { bodyLimit: 10 }, async () => ({ ok: true }))
  app.post('/open', async () => ({ ok: true }))
  const badJson = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{"a":' })
  t.equal(badJson.statusCode, 400)
  t.equal(badJson.json().code, 'BAD_REQUEST')
  t.notMatch(badJson.body, /Unexpected|position|SyntaxError/, 'no parser internals')
  const empty = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' } })
  t.equal(empty.statusCode, 400)
  const large = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/json' }, payload: '{"aaaaaaaaaaaaaaaaaaa":1}' })
  t.equal(large.statusCode, 413)
  t.equal(large.json().code, 'PAYLOAD_TOO_LARGE')
  const media = await app.inject({ method: 'POST', url: '/', headers: { 'content-type': 'application/x-nope' }, payload: 'x' })
  t.equal(media.statusCode, 415)
  t.equal(media.headers['content-type'], PROBLEM_CONTENT_TYPE)
  const poisoned = await app.inject({ method: 'POST', url: '/open', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"admin":true}}' })
  t.equal(poisoned.statusCode, 400)
})

t.test('Fastify 5xx errors stay generic; a Fastify 503 keeps its status', async (t) => {
  const { app } = await build(t)
  app.get('/fst500', async () => { throw Object.assign(new Error('FST internals'), { code: 'FST_ERR_SOMETHING', statusCode: 500 }) })
  app.get('/fst503', async () => { throw Object.assign(new Error('Service Unavailable'), { code: 'FST_UNDER_PRESSURE', statusCode: 503 }) })
  t.match((await app.inject({ url: '/fst500' })).json(), { status: 500, detail: 'An unexpected error occurred.' })
  t.match((await app.inject({ url: '/fst503' })).json(), { status: 503, code: 'SERVICE_UNAVAILABLE' })
})

t.test('4xx are logged at info with the request id', async (t) => {
  const { app, logs } = await build(t)
  app.get('/', async () => { throw new NotFoundError() })
  await app.inject({ url: '/' })
  const line = logs.lines.find((l) => l.msg === 'request rejected')
  t.equal(line?.level, 30)
  t.equal(line?.reqId, 'req-1')
  t.equal(logs.lines.filter((l) => l.level === 50).length, 0, 'nothing at error')
})

t.test('exposeStack adds the stack to 5xx only; genericDetail is configurable', async (t) => {
  const { app } = await build(t, { exposeStack: true, genericDetail: 'Something broke.' })
  app.get('/500', async () => { throw new Error('boom') })
  app.get('/404', async () => { throw new NotFoundError() })
  const five = (await app.inject({ url: '/500' })).json()
  t.match(five.stack, /Error: boom/)
  t.equal(five.detail, 'Something broke.')
  t.equal((await app.inject({ url: '/404' })).json().stack, undefined)
})

t.test('works on an app without a logger', async (t) => {
  const app = Fastify()
  await app.register(errors)
  t.teardown(() => app.close())
  app.get('/', async () => { throw new Error('x') })
  t.equal((await app.inject({ url: '/' })).statusCode, 500)
})

t.test('statuses Node has no phrase for still get a title and detail', async (t) => {
  const { app } = await build(t)
  app.get('/499', async () => { throw Object.assign(new Error(''), { statusCode: 499, expose: true }) })
  app.get('/599', async () => { throw Object.assign(new Error(''), { statusCode: 599, expose: true }) })
  t.match((await app.inject({ url: '/499' })).json(), { status: 499, title: 'Error', detail: 'Error' })
  t.match((await app.inject({ url: '/599' })).json(), { status: 599, title: 'Error', detail: 'An unexpected error occurred.' })
})

t.test('a forged AppError with a broken status or code is a plain 500', async (t) => {
  const { app } = await build(t)
  const forged = Object.defineProperty({ status: 'teapot', code: 42, expose: true, message: 'forged' }, Symbol.for('fastify-production.errors.app-error'), { value: true })
  app.get('/', async () => { throw forged })
  t.match((await app.inject({ url: '/' })).json(), { status: 500, code: 'INTERNAL_SERVER_ERROR' })
})

t.test('typeBaseUrl is set on the app\'s one problem writer, so every package of the suite uses it', async (t) => {
  const { app } = await build(t, { typeBaseUrl: 'https://docs.example.com/errors/' })
  t.equal(problems(app).typeBaseUrl, 'https://docs.example.com/errors/')
  app.get('/', async (request, reply) => problems(app).send(request, reply, { status: 429, code: 'TOO_MANY_REQUESTS', detail: 'Slow down.' }))
  t.equal((await app.inject('/')).json().type, 'https://docs.example.com/errors/TOO_MANY_REQUESTS')
})
