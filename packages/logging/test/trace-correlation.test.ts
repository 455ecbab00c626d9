import t from 'tap'
import { AsyncLocalStorage } from 'node:async_hooks'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { context, trace, ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api'
import { parseTraceparent, getLogger } from '../src/index.js'
import { loadOpenTelemetry, hasContextManager, type OpenTelemetryApi } from '../src/trace.js'
import { build } from './build-app.js'

const TRACE = '0af7651916cd43dd8448eb211c80319c'
const PARENT = 'b7ad6b7169203331'
const VALID = `00-${TRACE}-${PARENT}-01`

t.test('a valid traceparent puts trace_id and span_id on every line of the request', async (t) => {
  const { app, logs } = await build(t)
  app.get('/', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    getLogger().info('deep in the service')
    return 'ok'
  })
  await app.inject({ url: '/', headers: { traceparent: VALID, 'x-request-id': 'tr-1' } })
  await logs.next((l) => l.msg === 'request completed')
  t.equal(logs.lines.length, 2)
  for (const line of logs.lines) t.match(line, { reqId: 'tr-1', trace_id: TRACE, span_id: PARENT })
})

t.test('requests without a valid traceparent carry no trace fields', async (t) => {
  const { app, logs } = await build(t)
  app.get('/', async () => 'ok')
  await app.inject({ url: '/' })
  await app.inject({ url: '/', headers: { traceparent: `00-${'0'.repeat(32)}-${PARENT}-01` } })
  await logs.next((l) => l.msg === 'request completed' && logs.access().length === 2)
  t.notOk(logs.lines.some((l) => 'trace_id' in l || 'span_id' in l))
})

t.test('traceparent validation', async (t) => {
  t.same(parseTraceparent(VALID), { traceId: TRACE, spanId: PARENT })
  t.same(parseTraceparent(`01-${TRACE}-${PARENT}-01-future-field`), { traceId: TRACE, spanId: PARENT }, 'a later version may append fields')
  const invalid: Array<[string, unknown]> = [
    ['absent', undefined],
    ['not a string', ['a']],
    ['too short', `00-${TRACE}-${PARENT}-0`],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['version ff', `ff-${TRACE}-${PARENT}-01`],
    ['upper case', VALID.toUpperCase()],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${PARENT}-01`],
    ['all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['wrong separators', `00_${TRACE}_${PARENT}_01`],
    ['a later version glued to more text', `01-${TRACE}-${PARENT}-01x`]
  ]
  for (const [what, value] of invalid) t.equal(parseTraceparent(value), undefined, what)
})

t.test('trace: false ignores traceparent', async (t) => {
  const { app, logs } = await build(t, { plugin: { trace: false } })
  app.get('/', async () => 'ok')
  await app.inject({ url: '/', headers: { traceparent: VALID } })
  t.notOk('trace_id' in await logs.next((l) => l.msg === 'request completed'))
})

// What an OpenTelemetry SDK installs; enough for trace.getActiveSpan() to see a span.
class TestContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>()
  active (): Context { return this.#storage.getStore() ?? ROOT_CONTEXT }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>> (ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args))
  }

  bind<T> (_ctx: Context, target: T): T { return target }
  enable (): this { return this }
  disable (): this { return this }
}

t.test('an active OpenTelemetry span wins over the header; an invalid one falls back to it', async (t) => {
  context.setGlobalContextManager(new TestContextManager())
  t.teardown(() => context.disable())
  const { app, logs } = await build(t)
  app.get('/', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })
  // As OpenTelemetry's HTTP instrumentation does: the server span is active while 'request' is emitted.
  const [handler] = app.server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>
  app.server.removeAllListeners('request')
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const id = req.headers['x-test-span'] === 'valid' ? { traceId: 'f'.repeat(32), spanId: 'e'.repeat(16) } : { traceId: '0'.repeat(32), spanId: '0'.repeat(16) }
    const span = trace.wrapSpanContext({ ...id, traceFlags: 1 })
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => handler?.(req, res))
  })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`
  await fetch(base, { headers: { traceparent: VALID, 'x-request-id': 'otel-1', 'x-test-span': 'valid' } })
  await fetch(base, { headers: { traceparent: VALID, 'x-request-id': 'otel-2', 'x-test-span': 'invalid' } })
  t.match(await logs.next((l) => l.reqId === 'otel-1'), { trace_id: 'f'.repeat(32), span_id: 'e'.repeat(16) })
  t.match(await logs.next((l) => l.reqId === 'otel-2'), { trace_id: TRACE, span_id: PARENT })
})

t.test('the span is only looked up when an SDK registered a context manager', async (t) => {
  const api = await loadOpenTelemetry() as OpenTelemetryApi
  t.equal(hasContextManager(api), false, 'the API alone (a transitive dependency) has the no-op manager')
  context.setGlobalContextManager(new TestContextManager())
  t.equal(hasContextManager(api), true)
  context.disable()
  t.equal(hasContextManager(api), false)
})

t.test('@opentelemetry/api is optional: a missing module is no error', async (t) => {
  t.ok(await loadOpenTelemetry(), 'installed here as a dev dependency')
  t.equal(await loadOpenTelemetry('@opentelemetry/not-installed-here'), undefined)
})

t.test('requestContext() exposes the trace ids', async (t) => {
  const { app } = await build(t)
  app.get('/', async () => {
    const { requestContext } = await import('../src/index.js')
    const ctx = requestContext()
    return { traceId: ctx?.traceId, spanId: ctx?.spanId }
  })
  t.same((await app.inject({ url: '/', headers: { traceparent: VALID } })).json(), { traceId: TRACE, spanId: PARENT })
})
