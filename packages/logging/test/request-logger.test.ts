import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import logging, { loggerOptions, requestIdOptions, type PinoOptions } from '../src/index.js'
import { jsonMillis } from '../src/access-log.js'
import { capture, type Captured } from './build-app.js'

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

// Two apps alike but for the request logger's maker: requestIdOptions()' (cheap) and pino's child().
type Twin = { app: FastifyInstance, logs: Captured }

async function twins (t: { teardown: (fn: () => unknown) => void }, pinoOptions: PinoOptions): Promise<[Twin, Twin]> {
  const made: Twin[] = []
  for (const factory of ['ours', 'pino'] as const) {
    const logs = capture()
    const options = requestIdOptions()
    if (factory === 'pino') delete options.childLoggerFactory
    const app = Fastify({ ...options, logger: { ...pinoOptions, stream: logs.stream } })
    t.teardown(() => app.close())
    await app.register(logging)
    app.get('/', async (request) => {
      request.log.info({ order: { id: 7 } }, 'in the handler')
      request.log.child({ component: 'db' }).warn('a child of the request logger')
      return (request.log as unknown as { bindings: () => unknown }).bindings()
    })
    app.get('/quiet', { logLevel: 'warn' }, async (request) => {
      request.log.info('not written')
      request.log.warn('written')
      return 'ok'
    })
    app.get('/serialized', { logSerializers: { reqId: (id: string) => `<${id}>` } }, async (request) => {
      request.log.info('own serializers')
      return 'ok'
    })
    made.push({ app, logs })
  }
  return made as [Twin, Twin]
}

const untimed = (logs: Captured): string[] => logs.text().split('\n').map((l) => l.replace(/"time":"[^"]+"/, '').replace(/"responseTime":[\d.]+/, ''))

async function same (t: Test, pinoOptions: PinoOptions, what: string): Promise<void> {
  const [ours, theirs] = await twins(t, pinoOptions)
  const bindings = []
  for (const { app } of [ours, theirs]) {
    for (const headers of [{ 'x-request-id': 'same-1' }, { 'x-request-id': 'same-2', traceparent: TRACEPARENT }]) {
      bindings.push((await app.inject({ url: '/', headers })).json())
    }
    await app.inject({ url: '/quiet', headers: { 'x-request-id': 'same-3' } })
    await app.inject({ url: '/serialized', headers: { 'x-request-id': 'same-4' } })
  }
  for (const { logs } of [ours, theirs]) await logs.next((l) => l.route === '/serialized' && l.msg === 'request completed')
  t.same(untimed(ours.logs), untimed(theirs.logs), `${what}: the same lines`)
  t.same(bindings.slice(0, 2), bindings.slice(2), `${what}: the same bindings()`)
  t.equal(ours.logs.lines.length, 9, `${what}: every line written`)
}

t.test('request loggers made without pino\'s child() write the very lines pino\'s children write', async (t) => {
  await same(t, loggerOptions(), 'loggerOptions()')
  await same(t, { ...loggerOptions(), redact: ['reqId', 'trace_id'] }, 'redact paths on the bound keys')
  await same(t, { ...loggerOptions(), serializers: { reqId: (id: string) => id.toUpperCase(), span_id: () => 'x' } }, 'serializers of the bound keys')
  await same(t, { ...loggerOptions(), redact: ['*.secret'] }, 'a wildcard redact path')
  await same(t, { ...loggerOptions(), formatters: { bindings: (b: Record<string, unknown>) => ({ ...b, formatted: true }) } }, 'a bindings formatter')
})

t.test('a request logger is a pino child: its own level, onChild called, a label pino would drop', async (t) => {
  const children: unknown[] = []
  const logs = capture()
  const app = Fastify({ ...requestIdOptions({ logLabel: 'level' }), logger: { ...loggerOptions({ stream: logs.stream }), onChild: (child: unknown) => children.push(child) } })
  t.teardown(() => app.close())
  app.get('/', async (request) => {
    request.log.level = 'debug'
    request.log.debug('debug on this request only')
    return 'ok'
  })
  await app.inject({ url: '/' })
  app.log.debug('not on the app logger')
  t.ok(children.length >= 1, 'onChild saw the request logger')
  t.ok(logs.lines.some((l) => l.msg === 'debug on this request only'))
  t.notOk(logs.lines.some((l) => l.msg === 'not on the app logger'))
  t.notOk(logs.lines.some((l) => l.msg === 'debug on this request only' && typeof l.level !== 'string'), 'a binding named level is dropped, as pino does')

  const quiet = Fastify({ ...requestIdOptions(), logger: false })
  t.teardown(() => quiet.close())
  quiet.get('/', async (request) => typeof request.log.info)
  t.equal((await quiet.inject({ url: '/' })).body, 'function', 'Fastify\'s disabled logger gets its own child()')
})

t.test('the access line writes responseTime from whole microseconds as JSON writes the number', async (t) => {
  const values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1010, 1100, 12_345, 250_000, 999_999_999_999, 1e12, 5e15, -3, Number.NaN]
  for (let i = 0; i < 20_000; i++) values.push(Math.floor(Math.random() * 10 ** (1 + (i % 12))))
  const wrong = values.filter((m) => jsonMillis(m) !== JSON.stringify(m / 1000))
  t.same(wrong, [])
})

t.test('trace ids on a request logger whose level a hook changed first: the level stays', async (t) => {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(), logger: loggerOptions({ stream: logs.stream }) })
  t.teardown(() => app.close())
  app.addHook('onRequest', async (request) => { request.log.level = 'debug' })
  await app.register(logging)
  app.get('/', async (request) => {
    request.log.debug('debug, traced')
    return 'ok'
  })
  await app.inject({ url: '/', headers: { traceparent: TRACEPARENT, 'x-request-id': 'lv-1' } })
  t.match(await logs.next((l) => l.msg === 'debug, traced'), { reqId: 'lv-1', trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' })
})

t.test('an app\'s own genReqId next to requestIdOptions()\' logger factory: its ids are escaped, ours are not re-checked', async (t) => {
  const logs = capture()
  const ours = requestIdOptions()
  let n = 0
  // Quotes and a backslash: only JSON escaping keeps the line parseable.
  const app = Fastify({ ...ours, genReqId: () => `app"${++n}\\x`, logger: { ...loggerOptions(), stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(logging)
  app.get('/', async (request) => { request.log.info('in the handler'); return 'ok' })
  await app.inject('/')
  const line = await logs.next((l) => l.msg === 'in the handler')
  t.equal(line.reqId, 'app"1\\x', 'the app\'s id, intact, in a line JSON.parse read')

  const plain = capture()
  const safe = Fastify({ ...requestIdOptions(), logger: { ...loggerOptions(), stream: plain.stream } })
  t.teardown(() => safe.close())
  await safe.register(logging)
  safe.get('/', async (request) => { request.log.info('in the handler'); return 'ok' })
  await safe.inject({ url: '/', headers: { 'x-request-id': 'inbound:1.a_b-c' } })
  t.equal((await plain.next((l) => l.msg === 'in the handler')).reqId, 'inbound:1.a_b-c', 'an inbound id that passed the check, as sent')
})
