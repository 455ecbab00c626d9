import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import { loggerOptions, DEFAULT_REDACT_PATHS } from '../src/index.js'

// Fastify's own req/res serializers drop headers; apps that log them use serializers like these.
const withHeaders = {
  req: (req: { method: string, headers: unknown, body?: unknown }) => ({ method: req.method, headers: req.headers, body: req.body }),
  res: (res: { headers?: unknown }) => ({ headers: res.headers })
}

function logger (options = {}) {
  const logs = logCapture()
  const app = Fastify({ logger: { ...loggerOptions({ ...options, stream: logs.stream }), serializers: withHeaders } })
  return { app, logs }
}

t.test('secret headers, fields, bodies and error properties are censored by default', async (t) => {
  const { app, logs } = logger()
  t.teardown(() => app.close())
  const secretHeaders = { authorization: 'Bearer s3cr3t-1', cookie: 'sid=s3cr3t-2', 'set-cookie': ['sid=s3cr3t-3'], 'x-api-key': 's3cr3t-4', accept: 'application/json' }
  const fields = { password: 's3cr3t-5', token: 's3cr3t-6', secret: 's3cr3t-7', apiKey: 's3cr3t-8', creditCard: 's3cr3t-9', name: 'kept' }
  app.log.info({ req: { method: 'GET', headers: secretHeaders } }, 'req headers')
  app.log.info({ res: { headers: secretHeaders } }, 'res headers')
  app.log.info({ headers: secretHeaders }, 'headers')
  app.log.info(fields, 'top level')
  app.log.info({ body: fields }, 'body')
  app.log.info({ req: { method: 'POST', headers: {}, body: fields } }, 'req.body')
  app.log.info({ err: Object.assign(new Error('login failed'), fields) }, 'err')

  t.notMatch(logs.text(), /s3cr3t/, 'no secret value reaches the output')
  const byMsg = (msg: string) => logs.lines.find((l) => l.msg === msg) as Record<string, any>
  t.same(byMsg('headers').headers, { authorization: '[REDACTED]', cookie: '[REDACTED]', 'set-cookie': '[REDACTED]', 'x-api-key': '[REDACTED]', accept: 'application/json' })
  t.equal(byMsg('req headers').req.headers.authorization, '[REDACTED]')
  t.equal(byMsg('res headers').res.headers['set-cookie'], '[REDACTED]')
  t.match(byMsg('top level'), { password: '[REDACTED]', apiKey: '[REDACTED]', creditCard: '[REDACTED]', name: 'kept' })
  t.match(byMsg('body').body, { token: '[REDACTED]', secret: '[REDACTED]', name: 'kept' })
  t.match(byMsg('req.body').req.body, { password: '[REDACTED]', name: 'kept' })
  t.match(byMsg('err').err, { message: 'login failed', password: '[REDACTED]', token: '[REDACTED]', name: 'kept', stack: /login failed/ })
  t.ok(DEFAULT_REDACT_PATHS.includes('req.headers["authorization"]'))
  t.notOk(DEFAULT_REDACT_PATHS.some((p) => p.startsWith('*')), 'no leading wildcard: lines without those keys pay nothing')
})

t.test('callers add their own paths', async (t) => {
  const { app, logs } = logger({ redact: ['user.ssn', 'payment.iban'] })
  t.teardown(() => app.close())
  app.log.info({ user: { ssn: '078-05-1120', id: 7 }, payment: { iban: 'DE89370400440532013000' }, password: 'p' }, 'x')
  t.match(logs.lines[0], { user: { ssn: '[REDACTED]', id: 7 }, payment: { iban: '[REDACTED]' }, password: '[REDACTED]' })
})

t.test('lines carry an ISO time, the level as a label, pid and hostname', async (t) => {
  const { app, logs } = logger()
  t.teardown(() => app.close())
  app.log.warn('hello')
  const line = logs.lines[0] as Record<string, unknown>
  t.equal(line.level, 'warn')
  t.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.equal(line.pid, process.pid)
  t.type(line.hostname, 'string')
})

t.test('the level option sets the lowest level written; info by default', async (t) => {
  const quiet = logger({ level: 'warn' })
  t.teardown(() => quiet.app.close())
  quiet.app.log.info('dropped')
  quiet.app.log.error('kept')
  t.same(quiet.logs.lines.map((l) => l.msg), ['kept'])
  const normal = logger()
  t.teardown(() => normal.app.close())
  normal.app.log.debug('dropped')
  normal.app.log.info('kept')
  t.same(normal.logs.lines.map((l) => l.msg), ['kept'])
})

t.test('the time string is shared within a millisecond and is ISO 8601', async (t) => {
  const { timestamp } = loggerOptions() as { timestamp: () => string }
  let first = timestamp()
  let second = timestamp()
  // Loop until two calls fall in one millisecond: the cached string must be returned then.
  while (first !== second) {
    first = second
    second = timestamp()
  }
  t.match(second, /^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/)
})
