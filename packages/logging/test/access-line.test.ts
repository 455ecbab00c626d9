import t from 'tap'
import { Readable } from 'node:stream'
import { build } from './build-app.js'
import { queryRedactor } from '../src/access-log.js'
import { DEFAULT_QUERY_KEYS } from '../src/index.js'

t.test('one access line per request: method, route template, url, status, time, length, id', async (t) => {
  const { app, logs } = await build(t)
  app.get('/orders/:id', async () => ({ id: 7 }))
  const res = await app.inject({ url: '/orders/7?expand=items', headers: { 'x-request-id': 'acc-1' } })
  const line = await logs.next((l) => l.msg === 'request completed')
  t.match(line, {
    level: 'info',
    reqId: 'acc-1',
    method: 'GET',
    route: '/orders/:id',
    url: '/orders/7?expand=items',
    statusCode: 200,
    contentLength: Number(res.headers['content-length'])
  })
  t.type(line.responseTime, 'number')
  t.ok((line.responseTime as number) >= 0)
  t.equal(logs.access().length, 1, 'exactly one line for the request')
  t.equal(logs.lines.length, 1, 'and no other line: Fastify\'s two default lines are off')
})

t.test('every status is written at info (a 5xx error has its own error line); a 404 has no route', async (t) => {
  const { app, logs } = await build(t)
  app.get('/fail', async () => { throw new Error('x') })
  app.get('/teapot', async (_req, reply) => reply.code(418).send('short and stout'))
  await app.inject({ url: '/fail' })
  await app.inject({ url: '/teapot' })
  await app.inject({ url: '/missing?token=abc' })
  await logs.next((l) => l.msg === 'request completed' && l.statusCode === 404)
  const [fail, teapot, missing] = logs.access()
  t.match(fail, { level: 'info', statusCode: 500, route: '/fail' })
  t.equal(logs.lines.filter((l) => l.level as unknown === 'error').length, 1, 'one error line per 5xx: the error handler\'s, with the error')
  t.match(logs.lines.find((l) => l.level as unknown === 'error'), { err: { message: 'x' } })
  t.match(teapot, { level: 'info', statusCode: 418 })
  t.match(missing, { level: 'info', statusCode: 404, url: '/missing?token=[REDACTED]' })
  t.notOk(missing !== undefined && 'route' in missing, 'unmatched URLs have no route template')
})

t.test('route config production.accessLog: false and the plugin option accessLog: false skip the line', async (t) => {
  const { app, logs } = await build(t)
  app.get('/health/live', { config: { production: { accessLog: false } } }, async () => 'ok')
  // The top-level key belongs to other plugins and is not read.
  app.get('/other', { config: { accessLog: false } as Record<string, unknown> }, async () => 'ok')
  app.get('/work', async () => 'ok')
  await app.inject({ url: '/health/live' })
  await app.inject({ url: '/other' })
  await app.inject({ url: '/work' })
  await logs.next((l) => l.msg === 'request completed' && l.route === '/work')
  t.same(logs.access().map((l) => l.route), ['/other', '/work'])

  const off = await build(t, { plugin: { accessLog: false } })
  off.app.get('/', async (request) => { request.log.info('handler line'); return 'ok' })
  const res = await off.app.inject({ url: '/', headers: { 'x-request-id': 'quiet-1' } })
  t.equal(res.headers['x-request-id'], 'quiet-1', 'ids are still echoed')
  t.same(off.logs.lines.map((l) => l.msg), ['handler line'])
})

t.test('secret query values are censored, encoded keys included; other values stay', async (t) => {
  const { app, logs } = await build(t, { plugin: { redactQuery: ['session'] } })
  app.get('/cb', async () => 'ok')
  await app.inject({ url: '/cb?code=abc&state=xyz&access_token=t0k&Session=s1&%74oken=enc&flag&X-Amz-Signature=sig' })
  const line = await logs.next((l) => l.msg === 'request completed')
  t.equal(line.url, '/cb?code=[REDACTED]&state=xyz&access_token=[REDACTED]&Session=[REDACTED]&%74oken=[REDACTED]&flag&X-Amz-Signature=[REDACTED]')
})

t.test('the query redactor leaves URLs without secrets as they are, and survives bad encodings', async (t) => {
  const redactUrl = queryRedactor(new Set([...DEFAULT_QUERY_KEYS, 'a.b']))
  const plain = '/a?b=1&c=2'
  t.equal(redactUrl(plain), plain)
  t.equal(redactUrl('/a'), '/a')
  t.equal(redactUrl('/a?mytoken=1&tokens=2'), '/a?mytoken=1&tokens=2', 'only whole keys match')
  t.equal(redactUrl('/a?x=%20&b=1'), '/a?x=%20&b=1', 'an encoded query without secrets is returned as it was')
  t.equal(redactUrl('/a?%E0%A4%A=1&token=2'), '/a?%E0%A4%A=1&token=[REDACTED]')
  t.equal(redactUrl('/a?aXb=1&a.b=2'), '/a?aXb=1&a.b=[REDACTED]', 'keys are matched literally, not as patterns')
})

t.test('a streamed response has no content length on its line; a user-set numeric one is kept', async (t) => {
  const { app, logs } = await build(t)
  app.get('/stream', async (_req, reply) => reply.type('text/plain').send(Readable.from(['a', 'b'])))
  app.get('/sized', async (_req, reply) => reply.header('content-length', 2).send('ok'))
  await app.inject({ url: '/stream' })
  await app.inject({ url: '/sized' })
  await logs.next((l) => l.route === '/sized')
  const [stream, sized] = logs.access()
  t.notOk(stream !== undefined && 'contentLength' in stream)
  t.equal(sized?.contentLength, 2)
})
