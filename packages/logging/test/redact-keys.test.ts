import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import logging, { requestIdOptions } from '../src/index.js'
import { find, LoggingCap } from '@fastify-production/core'
import { build } from './build-app.js'

t.test('redactKeys() censors those keys in every later line, at any depth, without touching the caller\'s objects', async (t) => {
  const { app, logs } = await build(t)
  await app.ready()
  const config: { DATABASE_URL: string, PORT: number, nested: { list: Array<{ API_SECRET: string } | string>, API_SECRET: string } } = { DATABASE_URL: 'postgres://u:hunter2@db/app', PORT: 3000, nested: { list: [{ API_SECRET: 'k-123' }, 'plain'], API_SECRET: 'k-456' } }
  app.log.info({ config }, 'before')
  t.equal(logs.lines[0]?.msg, 'before')
  t.match(logs.lines[0], { config: { DATABASE_URL: 'postgres://u:hunter2@db/app' } }, 'keys are not censored before they are added')

  app.logging.redactKeys(['DATABASE_URL', 'API_SECRET'])
  app.logging.redactKeys(['DATABASE_URL'])
  t.same(app.logging.redactedKeys, ['DATABASE_URL', 'API_SECRET'])
  app.log.info({ config, DATABASE_URL: 'top-level' }, 'after')
  const after = logs.lines[1]
  t.same(after?.config, { DATABASE_URL: '[REDACTED]', PORT: 3000, nested: { list: [{ API_SECRET: '[REDACTED]' }, 'plain'], API_SECRET: '[REDACTED]' } })
  t.equal(after?.DATABASE_URL, '[REDACTED]')
  t.notMatch(logs.text().split('\n')[1], /hunter2|k-123|k-456|top-level/)
  t.equal(config.DATABASE_URL, 'postgres://u:hunter2@db/app', 'the logged object itself is unchanged')
  t.same(config.nested.list[0], { API_SECRET: 'k-123' })
})

t.test('request lines are covered too; Errors, class instances and very deep values are left as they are', async (t) => {
  const { app, logs } = await build(t)
  app.logging.redactKeys(['SECRET'])
  class Holder { SECRET = 'in-a-class' }
  const deep = { a: { b: { c: { d: { e: { f: { SECRET: 'too-deep' } } } } } } }
  const inherited = Object.assign(Object.create({ SECRET: 'inherited', other: 'inherited, not logged' }) as Record<string, unknown>, { SECRET: 'own' })
  app.get('/', async (request) => {
    request.log.info({ SECRET: 'in-request', tags: ['a', 'b'], holder: new Holder(), bare: Object.assign(Object.create(null) as object, { SECRET: 'null-proto' }), deep }, 'request line')
    request.log.info(inherited, 'inherited')
    request.log.info({ err: Object.assign(new Error('boom'), { SECRET: 'on-error' }) }, 'error line')
    return 'ok'
  })
  await app.inject({ url: '/' })
  const line = logs.lines.find((l) => l.msg === 'request line') as Record<string, any>
  t.equal(line.SECRET, '[REDACTED]')
  t.same(line.tags, ['a', 'b'])
  t.equal(line.bare.SECRET, '[REDACTED]', 'null-prototype objects are plain objects')
  t.equal(line.holder.SECRET, 'in-a-class', 'class instances keep their shape for their serializers')
  t.equal(line.deep.a.b.c.d.e.f.SECRET, 'too-deep', 'the walk is bounded (cycles cannot loop)')
  t.equal(logs.lines.find((l) => l.msg === 'inherited')?.SECRET, '[REDACTED]')
  t.match(logs.lines.find((l) => l.msg === 'error line'), { err: { message: 'boom', SECRET: '[REDACTED]' } }, 'Errors go to the err serializer, which censors the keys too')
})

t.test('works on a pino logger not built by loggerOptions(), after its own log formatter', async (t) => {
  const logs = logCapture()
  const app = Fastify({
    ...requestIdOptions(),
    logger: { stream: logs.stream, formatters: { log: (obj: Record<string, unknown>) => ({ ...obj, formatted: true }) } }
  })
  t.teardown(() => app.close())
  await app.register(logging)
  app.log.info({ TOKEN: 'visible' }, 'before')
  app.logging.redactKeys(['TOKEN'])
  app.log.info({ TOKEN: 'hidden' }, 'after')
  app.get('/', async (request) => { request.log.info({ TOKEN: 'hidden-too' }, 'in request'); return 'ok' })
  await app.inject({ url: '/' })
  t.match(logs.lines.find((l) => l.msg === 'before'), { TOKEN: 'visible', formatted: true })
  t.match(logs.lines.find((l) => l.msg === 'after'), { TOKEN: '[REDACTED]', formatted: true })
  t.match(logs.lines.find((l) => l.msg === 'in request'), { TOKEN: '[REDACTED]' })
})

t.test('redactKeys() refuses anything but an array of non-empty strings', async (t) => {
  const { app } = await build(t)
  t.throws(() => app.logging.redactKeys('DATABASE_URL' as unknown as string[]), { code: 'FP_ERR_LOGGING_REDACT_KEYS', message: /string/ })
  t.throws(() => app.logging.redactKeys(['ok', '']), { code: 'FP_ERR_LOGGING_REDACT_KEYS', message: /array with a non-string or empty item/ })
  t.same(app.logging.redactedKeys, [])
})

t.test('the suite\'s other packages (config) add keys through LoggingCap, the same set as fastify.logging', async (t) => {
  const { app, logs } = await build(t)
  t.equal(find(Fastify(), LoggingCap), undefined, 'absent without the plugin')
  find(app, LoggingCap)?.redactKeys(['DEMO_PASSWORD'])
  t.same(app.logging.redactedKeys, ['DEMO_PASSWORD'])
  app.log.info({ DEMO_PASSWORD: 'pw-123' }, 'handed over')
  t.equal(logs.lines[0]?.DEMO_PASSWORD, '[REDACTED]')
  t.throws(() => find(app, LoggingCap)?.redactKeys([''] as string[]), { code: 'FP_ERR_LOGGING_REDACT_KEYS' })
})
