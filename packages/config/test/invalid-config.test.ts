import t from 'tap'
import { inspect } from 'node:util'
import Fastify from 'fastify'
import { Type } from 'typebox'
import { logCapture } from '@fastify-production/test-support'
import config, { loadConfig, Secret, type ConfigInvalidError } from '../src/index.js'

// Every value below contains this marker, so one search proves no value escaped.
const MARK = 'Zq7VALUE'

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535 }),
  HOST: Type.String(),
  LOG_LEVEL: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn')]),
  DEBUG: Type.Boolean(),
  RATIO: Type.Number(),
  ORIGINS: Type.Array(Type.String({ format: 'uri' })),
  ADMIN_EMAIL: Type.String({ format: 'email' }),
  API_KEY: Secret(Type.String({ minLength: 64 })),
  LIMITS: Type.Object({ max: Type.Integer() }),
  OPTIONAL_OK: Type.Optional(Type.String())
})

const source = {
  PORT: `3000${MARK}`,
  LOG_LEVEL: `verbose${MARK}`,
  DEBUG: `maybe${MARK}`,
  RATIO: '1e400',
  ORIGINS: `https://a.test,${MARK}`,
  ADMIN_EMAIL: `admin${MARK}`,
  API_KEY: `sk_${MARK}`,
  LIMITS: `{"max":"${MARK}"}`
}

const expected = [
  { variable: 'PORT', rule: 'not an integer' },
  { variable: 'HOST', rule: 'missing' },
  { variable: 'LOG_LEVEL', rule: 'not one of debug, info, warn' },
  { variable: 'DEBUG', rule: 'not a boolean (true, false, 1, 0, yes, no)' },
  { variable: 'RATIO', rule: 'not a finite number' },
  { variable: 'ORIGINS', rule: 'item 2: not a valid uri' },
  { variable: 'ADMIN_EMAIL', rule: 'not a valid email' },
  { variable: 'API_KEY', rule: 'shorter than 64 characters' },
  { variable: 'LIMITS', rule: 'not an integer at #/properties/max' }
]

function caught (fn: () => unknown): ConfigInvalidError {
  try {
    fn()
  } catch (err) {
    return err as ConfigInvalidError
  }
  throw new Error('expected a throw')
}

t.test('one FP_ERR_CONFIG_INVALID lists every variable at fault with its rule, in schema order', async (t) => {
  const err = caught(() => loadConfig(schema, { source }))
  t.equal(err.code, 'FP_ERR_CONFIG_INVALID')
  t.equal(err.name, 'FastifyError')
  t.same(err.issues, expected)
  t.equal(err.message, `Invalid configuration: ${expected.map((i) => `${i.variable}: ${i.rule}`).join('; ')}`)
  t.ok(Object.isFrozen(err.issues) && Object.isFrozen(err.issues[0]), 'the issue list is read-only data')
})

t.test('no value appears in the message, the issues, the stack, JSON or inspect of the error', async (t) => {
  const err = caught(() => loadConfig(schema, { source }))
  for (const [channel, text] of [
    ['message', err.message],
    ['issues', JSON.stringify(err.issues)],
    ['stack', String(err.stack)],
    ['JSON', JSON.stringify(err)],
    ['inspect', inspect(err, { depth: Infinity, showHidden: true })]
  ] as const) {
    t.notMatch(text, MARK, `${channel} holds no value`)
    t.notMatch(text, 'verbose', `${channel} does not echo the enum mismatch`)
  }
  t.equal(err.cause, undefined, 'no cause that could carry a value')
})

t.test('the plugin logs the error once at fatal, without values, then fails the boot', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'trace', stream: logs.stream } })
  t.teardown(() => app.close())
  app.register(config, { schema, source })
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_CONFIG_INVALID', issues: expected })
  const fatal = logs.lines.filter((line) => line.level === 60)
  t.equal(fatal.length, 1, 'one fatal line')
  t.equal(fatal[0]?.msg, 'configuration invalid: the app cannot start')
  const err = fatal[0]?.err as { code: string, issues: unknown, message: string }
  t.equal(err.code, 'FP_ERR_CONFIG_INVALID')
  t.same(err.issues, expected, 'the list is in the log line as data')
  t.notMatch(logs.text(), MARK, 'no log line holds a value')
  t.notMatch(logs.text(), 'verbose')
})

t.test('the app does not start: listen rejects', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.register(config, { schema: Type.Object({ PORT: Type.Integer() }), source: {} })
  await t.rejects(app.listen({ port: 0 }), { code: 'FP_ERR_CONFIG_INVALID', message: 'Invalid configuration: PORT: missing' })
})
