import t from 'tap'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import pino from 'pino'
import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { FastifyOtelInstrumentation } from '@fastify/otel'
import logging, { DEFAULT_QUERY_KEYS, getLogger, loggerOptions, requestContext, requestIdOptions, type PinoOptions } from '../src/index.js'
import { ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, accessLineWriter } from '../src/access-log.js'
import { directLine, type DirectLine } from '../src/direct-line.js'
import { requestTraceIds } from '../src/context.js'
import { installTraceMixin, loadOpenTelemetry, type OpenTelemetryApi } from '../src/trace.js'
import { capture, type Captured } from './build-app.js'

// The real SDK, as an app sets it up: a tracer provider exporting to memory, the AsyncLocalStorage
// context manager, and @fastify/otel (a span per request, per hook and for the handler).
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
trace.setGlobalTracerProvider(provider)
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
const instrumentation = new FastifyOtelInstrumentation()
instrumentation.setTracerProvider(provider)
t.teardown(() => {
  context.disable()
  trace.disable()
})

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const PARENT = 'b7ad6b7169203331'

interface Ids { trace_id: string, span_id: string }

function idsOf (span: ReadableSpan | undefined): Ids {
  if (span === undefined) throw new Error('span not exported')
  return { trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId }
}

// The spans the exporter recorded for one request (by its x-request-id, set as a span attribute).
function spansOf (id: string): (name: string) => Ids {
  const spans = exporter.getFinishedSpans()
  const request = spans.find((s) => s.name === 'request' && s.attributes['test.request_id'] === id)
  const traceId = request?.spanContext().traceId
  return (name) => idsOf(spans.find((s) => s.name === name && s.spanContext().traceId === traceId))
}

type Order = 'otel first' | 'logging first'

async function app (t: { teardown: (fn: () => unknown) => void }, order: Order, pinoOptions: PinoOptions = loggerOptions()): Promise<{ app: FastifyInstance, logs: Captured }> {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(), logger: { ...pinoOptions, stream: logs.stream } })
  t.teardown(() => app.close())
  const otel = instrumentation.plugin()
  if (order === 'otel first') await app.register(otel)
  await app.register(logging)
  if (order === 'logging first') await app.register(otel)
  app.addHook('onRequest', async function tagSpan (request) {
    request.opentelemetry().span?.setAttribute('test.request_id', request.id)
  })
  return { app, logs }
}

async function listen (app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

// Each key once per line: a trace id bound to the logger and another from the span would be two.
function once (t: { equal: (found: unknown, wanted: unknown, message: string) => unknown }, logs: Captured): void {
  for (const line of logs.text().split('\n').filter((l) => l.includes('span_id'))) {
    t.equal(line.split('"span_id"').length, 2, 'one span_id on the line')
  }
}

async function handler (request: FastifyRequest, reply: FastifyReply): Promise<string> {
  request.log.info('in the handler')
  await nextTurn()
  getLogger().info({ seen: requestContext()?.spanId }, 'in the handler, later')
  // A callback that lost OpenTelemetry's context is still in the request's: the request span.
  context.with(ROOT_CONTEXT, () => getLogger().info('no span active'))
  reply.header('x-trace-id', requestContext()?.traceId)
  return 'ok'
}

for (const order of ['otel first', 'logging first'] as const) {
  t.test(`with @fastify/otel (${order}), a line carries the span it is written in, the access line the request span`, async (t) => {
    const { app: server, logs } = await app(t, order)
    server.addHook('preHandler', async function checkUser (request) {
      request.log.info('in a preHandler hook')
    })
    server.get('/hello', handler)
    const base = await listen(server)
    const id = order === 'otel first' ? 'otel-1' : 'otel-2'
    const response = await fetch(`${base}/hello`, { headers: { 'x-request-id': id } })
    t.equal(response.status, 200)
    const access = await logs.next((l) => l.reqId === id && l.msg === 'request completed')
    const span = spansOf(id)
    const line = (msg: string): unknown => logs.lines.find((l) => l.reqId === id && l.msg === msg)
    t.match(line('in the handler'), span('handler - handler'), 'the handler span, as the exporter recorded it')
    t.match(line('in the handler, later'), { ...span('handler - handler'), seen: span('handler - handler').span_id }, 'after an await too; requestContext().spanId agrees')
    t.match(line('in a preHandler hook'), span('preHandler - checkUser'), 'a hook\'s line carries that hook\'s span')
    t.match(line('no span active'), span('request'), 'no span active: the request span')
    t.match(access, span('request'), 'the access line: the request span')
    t.equal(response.headers.get('x-trace-id'), span('request').trace_id, 'requestContext().traceId')
    if (order === 'otel first') t.not(access.span_id, span('onRequest - requestLogging').span_id, 'not the logging hook\'s own span')
    once(t, logs)
  })
}

t.test('a route @fastify/otel leaves out keeps the traceparent ids; a request without either has none', async (t) => {
  const { app: server, logs } = await app(t, 'otel first')
  server.get('/untraced', { config: { otel: false } }, handler)
  const base = await listen(server)
  await fetch(`${base}/untraced`, { headers: { 'x-request-id': 'u-1', traceparent: `00-${TRACE}-${PARENT}-01` } })
  await fetch(`${base}/untraced`, { headers: { 'x-request-id': 'u-2' } })
  await logs.next((l) => l.reqId === 'u-2' && l.msg === 'request completed')
  const lines = (id: string): unknown[] => logs.lines.filter((l) => l.reqId === id)
  t.equal(lines('u-1').length, 4)
  for (const line of lines('u-1')) t.match(line, { trace_id: TRACE, span_id: PARENT })
  for (const line of lines('u-2')) t.notOk('trace_id' in (line as object) || 'span_id' in (line as object))
  once(t, logs)
})

t.test('lines outside requests carry the span they are written in', async (t) => {
  const { app: server, logs } = await app(t, 'otel first')
  await server.ready()
  const tracer = trace.getTracer('test')
  tracer.startActiveSpan('job', (span) => {
    server.log.info('in a job')
    span.end()
  })
  server.log.info('no span')
  t.match(await logs.next((l) => l.msg === 'in a job'), idsOf(exporter.getFinishedSpans().find((s) => s.name === 'job')))
  t.notOk('span_id' in await logs.next((l) => l.msg === 'no span'))
})

t.test('a mixin of the user\'s is kept; two apps on one logger get the span ids once', async (t) => {
  const logs = capture()
  const shared = pino({ ...loggerOptions(), mixin: () => ({ region: 'eu' }) }, logs.stream)
  const apps = [Fastify({ ...requestIdOptions(), loggerInstance: shared }), Fastify({ ...requestIdOptions(), loggerInstance: shared })]
  for (const a of apps) {
    t.teardown(() => a.close())
    await a.register(instrumentation.plugin())
    await a.register(logging)
    a.get('/', handler)
    await a.ready()
  }
  await apps[1]?.inject({ url: '/', headers: { 'x-request-id': 'm-1' } })
  const line = await logs.next((l) => l.msg === 'in the handler')
  t.match(line, { region: 'eu', trace_id: /^[0-9a-f]{32}$/, span_id: /^[0-9a-f]{16}$/ })
  t.match(await logs.next((l) => l.msg === 'request completed'), { region: 'eu', trace_id: line.trace_id })
  once(t, logs)
})

t.test('a logger that is no pino logger gets the request span\'s ids once per request', async (t) => {
  const server = Fastify({ ...requestIdOptions(), logger: false })
  t.teardown(() => server.close())
  await server.register(instrumentation.plugin())
  await server.register(logging)
  server.addHook('onRequest', async function tagSpan (request) {
    request.opentelemetry().span?.setAttribute('test.request_id', request.id)
  })
  server.get('/', async () => ({ traceId: requestContext()?.traceId, spanId: requestContext()?.spanId }))
  const body = (await server.inject({ url: '/', headers: { 'x-request-id': 'q-1' } })).json<{ traceId: string, spanId: string }>()
  const request = spansOf('q-1')('request')
  t.same(body, { traceId: request.trace_id, spanId: request.span_id })
})

t.test('with span ids on every line, the direct access line still has the very bytes pino writes', async (t) => {
  const logs = capture()
  const server = Fastify({ ...requestIdOptions(), logger: { ...loggerOptions(), stream: logs.stream } })
  t.teardown(() => server.close())
  await server.register(instrumentation.plugin())
  await server.register(logging, { accessLog: false })
  const write = directLine(server.log, ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, new Set()) as DirectLine
  let direct = 0
  const counted: DirectLine = (...args) => {
    const done = write(...args)
    if (done) direct++
    return done
  }
  const fast = accessLineWriter(new Set(DEFAULT_QUERY_KEYS), counted)
  const viaPino = accessLineWriter(new Set(DEFAULT_QUERY_KEYS))
  for (const writer of [fast, viaPino]) writer.traceWith(requestTraceIds)
  server.addHook('onRequest', async (_request, reply) => {
    fast.watch(reply)
    viaPino.watch(reply)
  })
  server.addHook('onResponse', async (request, reply) => {
    fast.completed(request, reply)
    viaPino.completed(request, reply)
  })
  server.get('/traced', handler)
  server.get('/untraced', { config: { otel: false } }, handler)
  await server.inject({ url: '/traced' })
  await server.inject({ url: '/untraced', headers: { traceparent: `00-${TRACE}-${PARENT}-01` } })
  await server.inject({ url: '/untraced' })
  const lines = logs.text().split('\n').filter((l) => l.includes(ACCESS_LINE_MESSAGE))
  t.equal(lines.length, 6)
  t.equal(direct, 3, 'the fast writer took the direct path')
  const untimed = (line = ''): string => line.replace(/"time":"[^"]+"/, '')
  for (let i = 0; i < lines.length; i += 2) t.equal(untimed(lines[i]), untimed(lines[i + 1]))
  t.match(JSON.parse(lines[0] ?? '{}'), { trace_id: /^[0-9a-f]{32}$/, span_id: /^[0-9a-f]{16}$/ })
  t.match(JSON.parse(lines[2] ?? '{}'), { trace_id: TRACE, span_id: PARENT })
  t.notOk('trace_id' in JSON.parse(lines[4] ?? '{}'))
  // Without `traced`, a line of a logger with the trace mixin goes through pino.
  t.equal(write(server.log, 'info', '', false), false)
})

t.test('the trace mixin is installed once per logger', async (t) => {
  const log = pino(loggerOptions({ stream: capture().stream }))
  const api = await loadOpenTelemetry() as OpenTelemetryApi
  t.equal(installTraceMixin(log, api, () => undefined), true)
  const mixin = (log as unknown as Record<symbol, unknown>)[Object.getOwnPropertySymbols(log).find((s) => s.description === 'pino.mixin') as symbol]
  t.equal(installTraceMixin(log, api, () => undefined), true, 'a second app on the same logger')
  t.equal((log as unknown as Record<symbol, unknown>)[Object.getOwnPropertySymbols(log).find((s) => s.description === 'pino.mixin') as symbol], mixin, 'not wrapped twice')
})
