import t from 'tap'
import { buildApp } from '../src/app.js'
import { authService } from '../src/auth/service.js'

const env = { DEMO_USERNAME: 'alice', DEMO_PASSWORD: 's3cret-pass', AUTH_TOKEN_SECRET: 'k'.repeat(32) }

t.test('POST /auth/login with the configured credentials answers a token', async (t) => {
  const app = await buildApp({ env, server: { logger: false } })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: 's3cret-pass' } })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body.token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  t.ok(Date.parse(body.expiresAt) > Date.now())
})

t.test('wrong username or password: 401 problem, nothing echoed', async (t) => {
  const app = await buildApp({ env, server: { logger: false } })
  t.teardown(() => app.close())
  for (const payload of [{ username: 'alice', password: 'guess-one' }, { username: 'mallory', password: 's3cret-pass' }]) {
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload })
    t.equal(res.statusCode, 401)
    t.match(res.json(), { code: 'INVALID_CREDENTIALS', detail: 'Wrong username or password.' })
    t.notMatch(res.body, /guess-one|mallory|s3cret/)
  }
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice' } })).statusCode, 400)
})

t.test('tokens are signed with the secret and expire after the ttl', async (t) => {
  const service = authService({ username: 'u', password: 'p', tokenSecret: 'one', tokenTtl: 60 }, () => 1_000_000)
  const other = authService({ username: 'u', password: 'p', tokenSecret: 'two', tokenTtl: 60 }, () => 1_000_000)
  const session = service.login({ username: 'u', password: 'p' })
  t.equal(session.expiresAt, new Date(1_060_000).toISOString())
  t.not(session.token, other.login({ username: 'u', password: 'p' }).token, 'another secret signs differently')
  t.same(JSON.parse(Buffer.from(session.token.split('.')[0] as string, 'base64url').toString()), { sub: 'u', exp: 1_060_000 })
})
