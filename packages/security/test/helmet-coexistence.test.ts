import t from 'tap'
import Fastify from 'fastify'
import helmet from '@fastify/helmet'
import { logCapture } from '@fastify-production/test-support'
import security from '../src/index.js'

t.test('@fastify/helmet registered before: its headers stay exactly as configured, ours are off, one info line says so', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(helmet, { contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", 'cdn.example.com'] } }, frameguard: { action: 'sameorigin' } })
  await app.register(security)
  app.get('/', async () => 'ok')
  await app.ready()

  const res = await app.inject('/')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-security-policy'], /script-src 'self' cdn\.example\.com/, 'helmet\'s CSP')
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN', 'helmet\'s frameguard, not our DENY')
  t.equal(res.headers['cache-control'], undefined, 'none of our headers added beside helmet\'s')
  t.equal(res.headers['ratelimit-limit'], '100', 'rate limiting is still ours')
  const lines = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/security'))
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 30, msg: /left security headers to @fastify\/helmet, registered before the suite/ })
})

t.test('@fastify/helmet registered before and the headers option given: refused with the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(helmet)
  await t.rejects(async () => { await app.register(security, { headers: { cacheControl: 'no-cache' } }) }, {
    code: 'FP_ERR_SECURITY_HELMET_CONFLICT',
    message: /both set the security headers: @fastify\/helmet is registered and the headers option is given\. Keep one: drop @fastify\/helmet.*or remove the headers option/
  })
})

t.test('@fastify/helmet registered before and headers: false: composes, helmet alone', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(helmet)
  await app.register(security, { headers: false })
  app.get('/', async () => 'ok')
  const res = await app.inject('/')
  t.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
  t.equal(res.headers['cache-control'], undefined)
})

t.test('@fastify/helmet registered after: the boot is refused with the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  await app.register(helmet)
  await t.rejects(async () => { await app.ready() }, {
    code: 'FP_ERR_SECURITY_HELMET_CONFLICT',
    message: /@fastify\/helmet was registered after the suite\. Keep one: register @fastify\/helmet before the suite.*headers: false/
  })
})

t.test('@fastify/helmet registered after while our headers are off: composes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { headers: false })
  await app.register(helmet, { frameguard: { action: 'deny' } })
  app.get('/', async () => 'ok')
  t.equal((await app.inject('/')).headers['x-frame-options'], 'DENY')
})
