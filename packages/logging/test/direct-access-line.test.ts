import t from 'tap'
import { tracingChannel } from 'node:diagnostics_channel'
import { PassThrough, Readable } from 'node:stream'
import { connect, type AddressInfo } from 'node:net'
import { EventEmitter, once } from 'node:events'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify'
import pino from 'pino'
import { logCapture } from '@fastify-production/test-support'
import logging, { DEFAULT_QUERY_KEYS, loggerOptions, requestContext, requestIdOptions, type PinoOptions } from '../src/index.js'
import { ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, accessLineWriter } from '../src/access-log.js'
import { directLine } from '../src/direct-line.js'
import { capture } from './build-app.js'

const queryKeys = new Set(DEFAULT_QUERY_KEYS)

async function rawGet (port: number, path: string): Promise<void> {
  const socket = connect(port, '127.0.0.1')
  socket.end(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`)
  socket.resume()
  await once(socket, 'close')
}
const TIME = /"time":"[^"]+"/
const ELAPSED = /"responseTime":[\d.]+/

/**
 * Routes a client gives up on: `/held` waits until the client has gone; `/halfway` sends its
 * headers and part of a 100-byte body, then waits. `abandon()` sends a request, closes the socket
 * (after the first bytes of the answer when `afterData`), waits for the server to see the response
 * close, then lets the handler finish: its late answer must not write a second line.
 */
function abandonedRoutes (app: FastifyInstance) {
  let closed: Promise<unknown> = Promise.resolve()
  let release = (): void => {}
  const arrived = new EventEmitter()
  function hold (reply: FastifyReply): Promise<void> {
    closed = once(reply.raw, 'close')
    const released = new Promise<void>((resolve) => { release = resolve })
    arrived.emit('arrived')
    return released
  }
  return {
    held: async (_request: unknown, reply: FastifyReply) => {
      await hold(reply)
      return 'late'
    },
    halfway: async (_request: unknown, reply: FastifyReply) => {
      const body = new PassThrough()
      body.write('x'.repeat(10))
      hold(reply).then(() => body.end('y'.repeat(90)))
      return reply.header('content-length', '100').send(body)
    },
    async abandon (port: number, head: string, afterData: boolean) {
      const socket = connect(port, '127.0.0.1')
      const reached = once(arrived, 'arrived')
      socket.write(head)
      await reached
      if (afterData) await once(socket, 'data')
      socket.destroy()
      await closed
      release()
    }
  }
}

function direct (app: FastifyInstance): ReturnType<typeof directLine> {
  return directLine(app.log, ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, new Set(app.logging.redactedKeys))
}

// The plugin's own line is off; a hook writes each request's line twice, directly and through pino.
async function twinLines (t: { teardown: (fn: () => unknown) => void }, pinoOptions: PinoOptions): Promise<{ app: FastifyInstance, raw: () => string[] }> {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(), logger: { ...pinoOptions, stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(logging, { accessLog: false })
  const fast = accessLineWriter(queryKeys, direct(app))
  const viaPino = accessLineWriter(queryKeys)
  app.addHook('onRequest', async (_request, reply) => {
    fast.watch(reply)
    viaPino.watch(reply)
  })
  app.addHook('onResponse', async (request, reply) => {
    fast.completed(request, reply)
    viaPino.completed(request, reply)
  })
  return { app, raw: () => logs.text().split('\n').filter((l) => l.includes(ACCESS_LINE_MESSAGE)) }
}

t.test('the direct access line has the very bytes pino writes for it', async (t) => {
  const { app, raw } = await twinLines(t, loggerOptions())
  t.ok(direct(app), 'a logger from loggerOptions() takes the direct path')
  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith('/orders')) requestContext()?.set({ userId: 'u-1', note: 'a "quoted" \\ value' })
  })
  app.get('/orders/:id', async () => ({ id: 7 }))
  app.get('/fail', async () => { throw new Error('boom') })
  app.get('/odd-length', async (_req, reply) => reply.header('content-length', 'abc').send(Readable.from([''])))
  app.get('/*', async () => 'any')
  const { held, halfway, abandon } = abandonedRoutes(app)
  app.get('/held', held)
  app.get('/halfway', halfway)
  const requests = [
    { url: '/orders/7?expand=items&token=secret', headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } },
    { url: '/fail' },
    { url: '/odd-length' },
    { url: '/missing/route', method: 'POST' as const }
  ]
  for (const r of requests) await app.inject(r)
  // inject() normalizes URLs; over a socket Node's parser lets a backslash through, which JSON escapes.
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as AddressInfo).port
  await rawGet(port, '/back\\slash?x="1"')
  // Aborted by the client: before anything was sent, and halfway through the body.
  await abandon(port, 'GET /held?token=secret HTTP/1.1\r\nHost: x\r\n\r\n', false)
  await abandon(port, 'GET /halfway HTTP/1.1\r\nHost: x\r\n\r\n', true)
  const lines = raw()
  t.equal(lines.length, (requests.length + 3) * 2, 'two lines per request')
  for (let i = 0; i < lines.length; i += 2) {
    const [fast = '', slow = ''] = [lines[i], lines[i + 1]]
    // An aborted request's time runs until each writer asks for it: the two differ there only.
    const same = (line: string): string => line.replace(TIME, '').replace(line.includes('"aborted":true') ? ELAPSED : TIME, '')
    t.equal(same(fast), same(slow), `same line for ${String(JSON.parse(slow).url)}`)
  }
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  t.match(parsed[0], { userId: 'u-1', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', url: '/orders/7?expand=items&token=[REDACTED]', route: '/orders/:id' })
  t.match(parsed[2], { level: 'info', statusCode: 500 })
  t.equal(parsed[4]?.contentLength, null, 'a content length that is no number is null, as pino writes NaN')
  t.notOk(parsed[6] !== undefined && 'route' in parsed[6], 'no route for an unmatched URL')
  t.equal(parsed[8]?.url, '/back\\slash?x="1"', 'characters that need escaping survive')
  t.match(parsed[10], { url: '/held?token=[REDACTED]', route: '/held', aborted: true, responseTime: Number })
  t.notOk('statusCode' in (parsed[10] ?? {}) || 'contentLength' in (parsed[10] ?? {}), 'no status when none was sent')
  t.match(parsed[12], { route: '/halfway', statusCode: 200, contentLength: 100, aborted: true })
})

t.test('another message key and the time turned off are reproduced too', async (t) => {
  const { app, raw } = await twinLines(t, { ...loggerOptions(), messageKey: 'message', timestamp: false })
  app.get('/', async () => 'ok')
  await app.inject({ url: '/' })
  const [fast, slow] = raw()
  t.equal(fast, slow)
  t.match(JSON.parse(fast ?? '{}'), { message: ACCESS_LINE_MESSAGE })
})

t.test('below the logger\'s level neither path writes, 5xx included', async (t) => {
  const { app, raw } = await twinLines(t, loggerOptions({ level: 'warn' }))
  app.get('/', async () => 'ok')
  app.get('/fail', async () => { throw new Error('x') })
  await app.inject({ url: '/' })
  await app.inject({ url: '/fail' })
  t.same(raw(), [])
})

t.test('loggers whose lines pino builds differently get no direct path, and the plugin still logs through pino', async (t) => {
  const base = (): PinoOptions => loggerOptions()
  const cases: Array<{ why: string, options: PinoOptions, check: (line: Record<string, unknown>) => void }> = [
    { why: 'a mixin', options: { ...base(), mixin: () => ({ mixed: true }) }, check: (l) => t.equal(l.mixed, true) },
    {
      why: 'a logMethod hook',
      options: {
        ...base(),
        hooks: {
          logMethod (args, method) {
            const [first, ...rest] = args as unknown[]
            method.apply(this, [typeof first === 'object' ? { ...first, hooked: true } : first, ...rest] as unknown as Parameters<typeof method>)
          }
        }
      },
      check: (l) => t.equal(l.hooked, true)
    },
    { why: 'a streamWrite hook', options: { ...base(), hooks: { streamWrite: (s: string) => s.replace('request completed', 'rewritten') } }, check: (l) => t.equal(l.msg, 'rewritten') },
    { why: 'a nested key', options: { ...base(), nestedKey: 'http' }, check: (l) => t.match(l.http, { statusCode: 200 }) },
    { why: 'a wildcard redact path', options: { ...base(), redact: { paths: ['*.password'], censor: '[REDACTED]' } }, check: (l) => t.equal(l.url, '/') },
    { why: 'a redact path on an access line key', options: { ...base(), redact: { paths: ['url'], censor: 'gone' } }, check: (l) => t.equal(l.url, 'gone') },
    { why: 'a serializer of an access line key', options: { ...base(), serializers: { method: (m: string) => m.toLowerCase() } }, check: (l) => t.equal(l.method, 'get') },
    { why: 'levels of other numbers', options: { ...base(), customLevels: { trace: 10, debug: 20, info: 25, warn: 40, error: 50, fatal: 60 }, useOnlyCustomLevels: true }, check: (l) => t.equal(l.level, 'info') }
  ]
  for (const c of cases) {
    t.comment(c.why)
    const logs = capture()
    const app = Fastify({ ...requestIdOptions(), logger: { ...c.options, stream: logs.stream } })
    await app.register(logging)
    t.equal(direct(app), undefined, c.why)
    app.get('/', async () => 'ok')
    await app.inject({ url: '/' })
    const line = await logs.next((l) => l.statusCode === 200 || (l.http as { statusCode?: number } | undefined)?.statusCode === 200)
    c.check(line)
    await app.close()
  }
  // The plugin wraps a log formatter of the user's with its key censoring: the line goes through both.
  const logs = capture()
  const formatted = Fastify({ ...requestIdOptions(), logger: { ...base(), formatters: { log: (o: Record<string, unknown>) => ({ ...o, formatted: true }) }, stream: logs.stream } })
  await formatted.register(logging)
  formatted.get('/', async () => 'ok')
  await formatted.inject({ url: '/' })
  t.equal((await logs.next((l) => l.statusCode === 200)).formatted, true, 'a log formatter of the user\'s')
  await formatted.close()
  const quiet = Fastify({ logger: false })
  t.equal(directLine(quiet.log, ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, new Set()), undefined, 'Fastify\'s disabled logger is no pino logger')
  const multi = Fastify({ logger: { ...loggerOptions(), stream: pino.multistream([{ stream: logCapture().stream }]) } })
  t.equal(directLine(multi.log, ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, new Set()), undefined, 'a multistream wants each line\'s metadata')
})

t.test('a request whose logger pino would treat differently goes through pino', async (t) => {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(), logger: loggerOptions({ stream: logs.stream }) })
  t.teardown(() => app.close())
  await app.register(logging)
  app.get('/serialized', { logSerializers: { url: (u: string) => `<${u}>` } }, async () => 'ok')
  app.get('/prefixed', { onRequest: async (request) => { request.log = request.log.child({}, { msgPrefix: '[api] ' }) as FastifyBaseLogger } }, async () => 'ok')
  app.get('/censored', async () => 'ok')
  app.get('/traced', async () => 'ok')
  await app.inject({ url: '/serialized' })
  await app.inject({ url: '/prefixed' })
  t.equal((await logs.next((l) => l.route === '/serialized')).url, '</serialized>', 'the route\'s own serializers')
  t.equal((await logs.next((l) => l.route === '/prefixed')).msg, '[api] request completed', 'a message prefix')

  app.logging.redactKeys(['url'])
  await app.inject({ url: '/censored' })
  t.equal((await logs.next((l) => l.route === '/censored')).url, '[REDACTED]', 'a key censored with redactKeys()')

  const traced: unknown[] = []
  const channel = tracingChannel('pino_asJson')
  const subscriber = { start: (message: unknown) => traced.push(message), end () {}, asyncStart () {}, asyncEnd () {}, error () {} }
  channel.subscribe(subscriber)
  t.teardown(() => channel.unsubscribe(subscriber))
  await app.inject({ url: '/traced' })
  await logs.next((l) => l.route === '/traced')
  t.equal(traced.length, 1, 'a tracer on pino\'s asJson channel sees the line')
})
