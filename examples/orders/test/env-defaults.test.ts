import t from 'tap'
import { devSecrets, readEnv } from '../src/env.js'

t.test('defaults let the example start with no environment at all', async (t) => {
  const env = readEnv({})
  t.match(env, { PORT: 3000, HOST: '127.0.0.1', LOG_LEVEL: 'info', DEMO_USERNAME: 'demo', isProduction: false })
  t.equal(env.DATABASE_URL, undefined)
  const secrets = devSecrets(env)
  t.equal(secrets.demoPassword, 'demo-password')
  t.match(secrets.tokenSecret, /^[0-9a-f]{64}$/, 'a random signing key per process when none is set')
  t.not(devSecrets(env).tokenSecret, secrets.tokenSecret)
})

t.test('variables override the defaults and are coerced', async (t) => {
  const env = readEnv({ PORT: '8080', HOST: '0.0.0.0', LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://u:p@db:5432/orders', AUTH_TOKEN_SECRET: 'k'.repeat(32) })
  t.match(env, { PORT: 8080, HOST: '0.0.0.0', LOG_LEVEL: 'warn' })
  t.equal(env.DATABASE_URL, 'postgres://u:p@db:5432/orders')
  t.equal(devSecrets(env).tokenSecret, 'k'.repeat(32))
})

t.test('a bad environment fails naming every variable at fault, never a value', async (t) => {
  const err = (() => {
    try {
      readEnv({ PORT: '3000abc', LOG_LEVEL: 'loud', DATABASE_URL: 'not a url with hunter2', NODE_ENV: 'production' })
    } catch (e) {
      return e as Error & { issues: Array<{ variable: string }> }
    }
  })()
  t.match(err, { code: 'FP_ERR_CONFIG_INVALID' })
  t.same(err?.issues.map((i) => i.variable).sort(), ['AUTH_TOKEN_SECRET', 'DATABASE_URL', 'DEMO_PASSWORD', 'LOG_LEVEL', 'METRICS_TOKEN', 'PORT'])
  t.notMatch(err?.message, /3000abc|loud|hunter2/)
})

t.test('secrets are masked when the config is printed', async (t) => {
  const env = readEnv({ DATABASE_URL: 'postgres://u:hunter2@db/orders', METRICS_TOKEN: 'metrics-token-0123456789' })
  t.notMatch(JSON.stringify(env), /hunter2|metrics-token/)
})
