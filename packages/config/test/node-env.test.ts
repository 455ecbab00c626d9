import t from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import config, { loadConfig, RequiredInProduction } from '../src/index.js'

const schema = Type.Object({
  PORT: Type.Integer({ default: 3000 }),
  SENTRY_DSN: RequiredInProduction(Type.String({ format: 'uri' }))
})

t.test('isProduction, isDevelopment, isTest and nodeEnv follow NODE_ENV', async (t) => {
  for (const [nodeEnv, flags] of [
    ['production', [true, false, false]],
    ['development', [false, true, false]],
    ['test', [false, false, true]],
    ['staging', [false, false, false]]
  ] as const) {
    const env = loadConfig(schema, { source: { NODE_ENV: nodeEnv, SENTRY_DSN: 'https://k@sentry.test/1' } })
    t.same([env.isProduction, env.isDevelopment, env.isTest], flags, nodeEnv)
    t.equal(env.nodeEnv, nodeEnv)
  }
})

t.test('an unset or empty NODE_ENV means development', async (t) => {
  for (const source of [{}, { NODE_ENV: '' }]) {
    const env = loadConfig(schema, { source })
    t.equal(env.nodeEnv, 'development')
    t.equal(env.isDevelopment, true)
  }
})

t.test('a schema that declares NODE_ENV with a default decides the unset case', async (t) => {
  const withNodeEnv = Type.Object({ NODE_ENV: Type.Union([Type.Literal('production'), Type.Literal('development'), Type.Literal('test')], { default: 'production' }) })
  const env = loadConfig(withNodeEnv, { source: {} })
  t.equal(env.NODE_ENV, 'production')
  t.equal(env.isProduction, true)
  t.throws(() => loadConfig(withNodeEnv, { source: { NODE_ENV: 'prod' } }), { code: 'FP_ERR_CONFIG_INVALID', issues: [{ variable: 'NODE_ENV', rule: 'not one of production, development, test' }] })
})

t.test('the flags are not schema variables: absent from keys and JSON', async (t) => {
  const env = loadConfig(schema, { source: {} })
  t.same(Object.keys(env), ['PORT'])
  t.same(JSON.parse(JSON.stringify(env)), { PORT: 3000 })
})

t.test('RequiredInProduction: absent is fine outside production, an error in production', async (t) => {
  t.equal(loadConfig(schema, { source: { NODE_ENV: 'development' } }).SENTRY_DSN, undefined)
  t.equal(loadConfig(schema, { source: { NODE_ENV: 'test' } }).SENTRY_DSN, undefined)
  t.throws(() => loadConfig(schema, { source: { NODE_ENV: 'production' } }), {
    code: 'FP_ERR_CONFIG_INVALID',
    issues: [{ variable: 'SENTRY_DSN', rule: 'missing (required in production)' }]
  })
  t.equal(loadConfig(schema, { source: { NODE_ENV: 'production', SENTRY_DSN: 'https://k@sentry.test/1' } }).SENTRY_DSN, 'https://k@sentry.test/1')
  t.throws(() => loadConfig(schema, { source: { NODE_ENV: 'development', SENTRY_DSN: 'not a uri' } }), {
    code: 'FP_ERR_CONFIG_INVALID',
    issues: [{ variable: 'SENTRY_DSN', rule: 'not a valid uri' }]
  }, 'when given, it is checked everywhere')
})

t.test('fastify.config carries the flags', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, { schema, source: { NODE_ENV: 'test' } })
  t.equal(app.config.isTest, true)
  t.equal(app.config.isProduction, false)
  t.equal(app.config.nodeEnv, 'test')
})
