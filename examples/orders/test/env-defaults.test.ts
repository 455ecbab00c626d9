import t from 'tap'
import { readEnv } from '../src/env.js'

t.test('defaults let the example start with no environment at all', async (t) => {
  const env = readEnv({})
  t.match(env, { PORT: 3000, HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: undefined, DEMO_USERNAME: 'demo' })
  t.match(env.AUTH_TOKEN_SECRET, /^[0-9a-f]{64}$/, 'a random signing key per process when none is set')
  t.not(readEnv({}).AUTH_TOKEN_SECRET, env.AUTH_TOKEN_SECRET)
})

t.test('variables override the defaults', async (t) => {
  t.match(readEnv({ PORT: '8080', HOST: '0.0.0.0', LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://x' }), { PORT: 8080, HOST: '0.0.0.0', LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://x' })
})
