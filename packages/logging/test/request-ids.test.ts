import t from 'tap'
import { requestIdOptions, isSafeRequestId } from '../src/index.js'
import { counterIds, requestLoggingOptions } from '../src/request-id.js'
import { build } from './build-app.js'

const GENERATED = /^[0-9a-f]{12}-[0-9a-z]+$/

t.test('a well-formed inbound x-request-id is kept, on every line of the request and in the response', async (t) => {
  const { app, logs } = await build(t)
  app.get('/orders/:id', async (request) => {
    request.log.info('loading order')
    return { ok: true }
  })
  const id = 'edge-1.2:3_ABC'
  const res = await app.inject({ url: '/orders/7', headers: { 'x-request-id': id } })
  t.equal(res.headers['x-request-id'], id)
  await logs.next((l) => l.msg === 'request completed')
  const lines = logs.lines.filter((l) => l.reqId !== undefined)
  t.same(lines.map((l) => l.msg), ['loading order', 'request completed'])
  t.ok(lines.every((l) => l.reqId === id), 'the id is on every line')
})

t.test('malformed inbound ids are replaced by a generated one', async (t) => {
  const { app, logs } = await build(t)
  app.get('/', async () => 'ok')
  const malformed: Array<[string, string | string[]]> = [
    ['too long', 'a'.repeat(129)],
    ['bad characters', 'abc<script>'],
    ['spaces', 'abc def'],
    ['a CRLF injection', 'abc\r\nx-admin: 1'.replace(/[\r\n]/g, '')],
    ['empty', ''],
    ['two headers', ['a', 'b']]
  ]
  for (const [what, value] of malformed) {
    const res = await app.inject({ url: '/', headers: { 'x-request-id': value } })
    t.match(res.headers['x-request-id'], GENERATED, what)
  }
  const longest = 'b'.repeat(128)
  t.equal((await app.inject({ url: '/', headers: { 'x-request-id': longest } })).headers['x-request-id'], longest, '128 characters are accepted')
  await logs.next((l) => l.reqId === longest && l.msg === 'request completed')
  t.notOk(logs.lines.some((l) => String(l.reqId).includes('script')), 'a rejected value never reaches the log')
})

t.test('generated ids: one random prefix per app, a counter, unique across apps', async (t) => {
  const a = await build(t)
  const b = await build(t)
  a.app.get('/', async () => 'ok')
  b.app.get('/', async () => 'ok')
  const ids = []
  for (let i = 0; i < 3; i++) {
    ids.push((await a.app.inject({ url: '/' })).headers['x-request-id'] as string)
    ids.push((await b.app.inject({ url: '/' })).headers['x-request-id'] as string)
  }
  for (const id of ids) t.match(id, GENERATED)
  t.equal(new Set(ids).size, ids.length, 'no id repeats')
  const prefixA = ids[0]?.split('-')[0]
  t.same([ids[0], ids[2], ids[4]], [`${prefixA}-1`, `${prefixA}-2`, `${prefixA}-3`])
  t.not(ids[1]?.split('-')[0], prefixA, 'another app has another prefix')
})

t.test('the counter starts a new prefix instead of overflowing', async (t) => {
  const next = counterIds(2_147_483_646)
  const last = next()
  const first = next()
  t.match(last, /-zik0zj$/, 'the largest small integer, base 36')
  t.match(first, /^[0-9a-f]{12}-1$/)
  t.not(first.split('-')[0], last.split('-')[0])
})

t.test('generator: uuid makes RFC 4122 ids', async (t) => {
  const { app } = await build(t, { requestId: { generator: 'uuid' } })
  app.get('/', async () => 'ok')
  t.match((await app.inject({ url: '/' })).headers['x-request-id'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
})

t.test('trustInbound: false always generates', async (t) => {
  const { app } = await build(t, { requestId: { trustInbound: false } })
  app.get('/', async () => 'ok')
  t.match((await app.inject({ url: '/', headers: { 'x-request-id': 'client-chosen' } })).headers['x-request-id'], GENERATED)
})

t.test('the header name is configurable; the plugin echoes under the same name', async (t) => {
  const { app, logs } = await build(t, { requestId: { header: 'X-Correlation-ID', logLabel: 'requestId' } })
  app.get('/', async () => 'ok')
  const res = await app.inject({ url: '/', headers: { 'x-correlation-id': 'corr-1' } })
  t.equal(res.headers['x-correlation-id'], 'corr-1')
  t.equal(res.headers['x-request-id'], undefined)
  t.equal((await logs.next((l) => l.msg === 'request completed')).requestId, 'corr-1', 'logLabel names the field')
})

t.test('the plugin option requestIdHeader overrides the echo header', async (t) => {
  const { app } = await build(t, { plugin: { requestIdHeader: 'Request-Id' } })
  app.get('/', async () => 'ok')
  const res = await app.inject({ url: '/', headers: { 'x-request-id': 'in-1' } })
  t.equal(res.headers['request-id'], 'in-1')
})

t.test('the id is echoed on errors and 404s, without any error handler plugin', async (t) => {
  const { app, logs } = await build(t)
  app.get('/boom', async () => { throw new Error('db down') })
  app.post('/json', async () => 'ok')
  app.register(async (child) => {
    child.addHook('onRequest', async () => { throw Object.assign(new Error('nope'), { statusCode: 401 }) })
    child.get('/guarded', async () => 'never')
  })
  const boom = await app.inject({ url: '/boom', headers: { 'x-request-id': 'err-1' } })
  t.equal(boom.statusCode, 500)
  t.equal(boom.headers['x-request-id'], 'err-1')
  const missing = await app.inject({ url: '/nope', headers: { 'x-request-id': 'nf-1' } })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['x-request-id'], 'nf-1')
  const badJson = await app.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/json', 'x-request-id': 'bad-1' }, payload: '{"a":' })
  t.equal(badJson.statusCode, 400)
  t.equal(badJson.headers['x-request-id'], 'bad-1')
  const guarded = await app.inject({ url: '/guarded', headers: { 'x-request-id': 'hook-1' } })
  t.equal(guarded.statusCode, 401)
  t.equal(guarded.headers['x-request-id'], 'hook-1')
  const errorLine = await logs.next((l) => l.msg === 'db down')
  t.match(errorLine, { level: 'error', reqId: 'err-1', err: { message: 'db down' } }, 'Fastify\'s own error line stays, with the id')
  await logs.next((l) => l.msg === 'request completed' && l.reqId === 'hook-1')
  t.notOk(logs.lines.some((l) => l.msg === 'incoming request' || /not found/.test(String(l.msg))), 'Fastify\'s per-request lines are gone')
})

t.test('on a Fastify without LogController, the deprecated top-level options are used', async (t) => {
  t.same(requestLoggingOptions(undefined, 'rid'), { options: { requestIdLogLabel: 'rid', disableRequestLogging: true }, controller: undefined })
  const current = requestIdOptions()
  t.equal(current.requestIdHeader, false, 'Fastify never takes the header as is')
  t.type(current.logController, 'object')
  t.notOk('disableRequestLogging' in current, 'no deprecation warning on current Fastify')
})

t.test('isSafeRequestId', async (t) => {
  t.ok(isSafeRequestId('a'))
  t.notOk(isSafeRequestId(42))
  t.notOk(isSafeRequestId('a/b'))
})
