import t from 'tap'
import { buildApp } from '../src/app.js'
import { authService } from '../src/auth/service.js'

const env = { DEMO_USERNAME: 'alice', DEMO_PASSWORD: 's3cret-passw0rd', AUTH_TOKEN_SECRET: 'k'.repeat(32) }

t.test('POST /auth/login with the configured credentials answers a token', async (t) => {
  const app = await buildApp({ env, server: { logger: false } })
  t.teardown(() => app.close())
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: 's3cret-passw0rd' } })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body.token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  t.ok(Date.parse(body.expiresAt) > Date.now())
})

t.test('wrong username or password: 401 problem, nothing echoed', async (t) => {
  const app = await buildApp({ env, server: { logger: false } })
  t.teardown(() => app.close())
  for (const payload of [{ username: 'alice', password: 'guess-one' }, { username: 'mallory', password: 's3cret-passw0rd' }]) {
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

t.test('POST /auth/login is on the strict tier: the 6th attempt in a minute is a 429 problem', async (t) => {
  const app = await buildApp({ env, server: { logger: false } })
  t.teardown(() => app.close())
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) {
    statuses.push((await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: `guess-${i}` } })).statusCode)
  }
  t.same(statuses, [401, 401, 401, 401, 401, 429])
  const limited = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: 's3cret-passw0rd' } })
  t.equal(limited.statusCode, 429, 'even the right password waits')
  t.equal(limited.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.equal((await app.inject({ url: '/orders' })).statusCode, 200, 'other routes keep their own budget')
})
