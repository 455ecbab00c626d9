import t from 'tap'
import Fastify from 'fastify'
import cors from '@fastify/cors'
import { logCapture } from '@fastify-production/test-support'
import security from '../src/index.js'

const preflight = { method: 'OPTIONS' as const, url: '/orders', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } }

t.test('@fastify/cors registered before: CORS and preflights stay its own, one info line says so', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(cors, { origin: ['https://app.example.com'], methods: ['GET', 'POST'], maxAge: 42 })
  await app.register(security)
  app.post('/orders', async () => ({ ok: true }))
  await app.ready()

  const pre = await app.inject(preflight)
  t.equal(pre.statusCode, 204)
  t.equal(pre.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(pre.headers['access-control-allow-methods'], 'GET, POST')
  t.equal(pre.headers['access-control-max-age'], '42', '@fastify/cors answered it')
  const simple = await app.inject({ method: 'POST', url: '/orders', headers: { origin: 'https://app.example.com' } })
  t.equal(simple.headers['access-control-allow-origin'], 'https://app.example.com')
  t.equal(simple.headers['x-frame-options'], 'DENY', 'our headers still apply')
  const lines = logs.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('@fastify-production/security'))
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 30, msg: /left CORS to @fastify\/cors/ })
})

t.test('@fastify/cors registered before and the cors option given: refused with the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(cors)
  await t.rejects(async () => { await app.register(security, { cors: { origins: ['https://app.example.com'] } }) }, {
    code: 'FP_ERR_SECURITY_CORS_CONFLICT',
    message: /both answer CORS and preflights: @fastify\/cors is registered and the cors option is given\. Keep one: drop @fastify\/cors.*or remove the cors option/
  })
})

t.test('@fastify/cors registered after while our CORS is on: the boot is refused', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { cors: { origins: ['https://app.example.com'] } })
  await app.register(cors)
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_SECURITY_CORS_CONFLICT', message: /registered after the suite/ })
})

t.test('@fastify/cors registered after while our CORS is off (the default): composes', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security)
  await app.register(cors, { origin: ['https://app.example.com'] })
  app.post('/orders', async () => ({ ok: true }))
  const pre = await app.inject(preflight)
  t.equal(pre.statusCode, 204)
  t.equal(pre.headers['access-control-allow-origin'], 'https://app.example.com')
})
