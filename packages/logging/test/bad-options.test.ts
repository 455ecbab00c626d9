import t from 'tap'
import Fastify from 'fastify'
import logging, { loggerOptions, requestIdOptions } from '../src/index.js'

const badPlugin: Array<[string, unknown, RegExp]> = [
  ['requestIdHeader that is no header name', { requestIdHeader: 'x request id' }, /requestIdHeader/],
  ['accessLog that is not a boolean', { accessLog: 'yes' }, /accessLog/],
  ['redactQuery with an empty key', { redactQuery: ['ok', ''] }, /redactQuery\.1/],
  ['trace that is not a boolean', { trace: 1 }, /trace/],
  ['an unknown option', { acessLog: false }, /acessLog: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/]
]

for (const [name, options, mentions] of badPlugin) {
  t.test(`plugin: ${name} fails registration with FP_ERR_LOGGING_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(logging, options as object) }, { code: 'FP_ERR_LOGGING_OPTIONS', message: mentions })
  })
}

const badLogger: Array<[string, unknown, RegExp]> = [
  ['an unknown level', { level: 'verbose' }, /level.*accepted: level \(fatal\|error/],
  ['redact that is not an array', { redact: 'password' }, /redact/],
  ['pretty that is not a boolean', { pretty: 'true' }, /pretty/],
  ['a stream without write()', { stream: {} }, /stream: must have a write\(\) method/],
  ['a null stream', { stream: null }, /stream/],
  ['an unknown option', { redacts: [] }, /redacts: is not a known option/]
]

for (const [name, options, mentions] of badLogger) {
  t.test(`loggerOptions(): ${name} throws FP_ERR_LOGGING_OPTIONS`, async (t) => {
    t.throws(() => loggerOptions(options as object), { code: 'FP_ERR_LOGGING_OPTIONS', message: mentions })
  })
}

const badRequestId: Array<[string, unknown, RegExp]> = [
  ['a header name with a space', { header: 'x id' }, /header/],
  ['an unknown generator', { generator: 'ulid' }, /generator.*counter\|uuid/],
  ['an empty logLabel', { logLabel: '' }, /logLabel/],
  ['trustInbound that is not a boolean', { trustInbound: 'no' }, /trustInbound/]
]

for (const [name, options, mentions] of badRequestId) {
  t.test(`requestIdOptions(): ${name} throws FP_ERR_LOGGING_OPTIONS`, async (t) => {
    t.throws(() => requestIdOptions(options as object), { code: 'FP_ERR_LOGGING_OPTIONS', message: mentions })
  })
}

t.test('the caller\'s option objects are not mutated', async (t) => {
  const plugin = Object.freeze({ redactQuery: Object.freeze(['session']), requestIdHeader: 'X-Request-Id' })
  const logger = Object.freeze({ redact: Object.freeze(['a.b']), level: 'debug' as const })
  const ids = Object.freeze({ header: 'X-Trace-Id' })
  const app = Fastify({ ...requestIdOptions(ids), logger: loggerOptions(logger as { redact: string[], level: 'debug' }) })
  t.teardown(() => app.close())
  await app.register(logging, plugin as unknown as { redactQuery: string[] })
  await app.ready()
  t.same(plugin, { redactQuery: ['session'], requestIdHeader: 'X-Request-Id' })
  t.same(logger, { redact: ['a.b'], level: 'debug' })
  t.same(ids, { header: 'X-Trace-Id' })
})
