import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import production, { Secret, Type, serverOptions } from '../src/index.js'

t.test('a shutdown drain makes readiness 503 while liveness stays 200', async (t) => {
  const exited: number[] = []
  const app = Fastify()
  await app.register(production, { shutdown: { delay: 60_000, timeout: 120_000, exit: (code: number) => { exited.push(code) } } })
  await app.ready()
  t.equal((await app.inject('/health/ready')).statusCode, 200)
  app.shutdown?.trigger('test')
  t.equal(app.health.state, 'draining')
  t.equal((await app.inject('/health/ready')).statusCode, 503)
  t.equal((await app.inject('/health/live')).statusCode, 200)
  await app.close()
  t.equal(app.health.state, 'closed')
})

t.test('secrets from config are masked in real log lines', async (t) => {
  const logs = logCapture()
  const app = Fastify(serverOptions({ logger: { level: 'info', stream: logs.stream } }))
  t.teardown(() => app.close())
  await app.register(production, {
    config: { schema: Type.Object({ PARTNER_KEY: Secret(Type.String()) }), source: { PARTNER_KEY: 'pk-live-hunter2' } }
  })
  app.get('/call', async (request) => {
    request.log.info({ PARTNER_KEY: 'pk-live-hunter2' }, 'calling the partner')
    return 'ok'
  })
  await app.ready()
  await app.inject('/call')
  const line = logs.lines.find((l) => l.msg === 'calling the partner')
  t.ok(line !== undefined)
  t.notMatch(logs.text(), /pk-live-hunter2/, 'the value appears in no line')
})

t.test('429 and shed counters appear in /metrics; probes and scrapes write no access line', async (t) => {
  const logs = logCapture()
  const app = Fastify(serverOptions({ logger: { level: 'info', stream: logs.stream } }))
  t.teardown(() => app.close())
  await app.register(production, { security: { rateLimit: { max: 1, timeWindow: '1 minute' } }, health: { maxEventLoopDelay: 0 } })
  app.get('/x', async () => 'x')
  await app.ready()
  await app.inject('/x')
  t.equal((await app.inject('/x')).statusCode, 429)
  const before = logs.lines.length
  await app.inject('/health/live')
  await app.inject('/health/ready')
  t.equal(logs.lines.slice(before).filter((l) => l.url !== undefined || l.route !== undefined).length, 0, 'no access line for probes')
  const scrape = await app.inject('/metrics')
  t.match(scrape.body, /http_requests_rate_limited_total\{[^}]*\} 1|rate_limited[^\n]* 1/, 'the 429 is counted')
  t.match(scrape.body, /http_requests_shed_total/, 'the shed counter is registered')
})

t.test('one typeBaseUrl on every problem the suite writes (404, 429, 401)', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(production, {
    errors: { typeBaseUrl: 'https://docs.example.com/problems/' },
    security: { rateLimit: { max: 1, timeWindow: '1 minute' } },
    metrics: { token: 'a-long-enough-metrics-token' }
  })
  await app.ready()
  const notFound = (await app.inject('/nope')).json()
  t.equal(notFound.type, 'https://docs.example.com/problems/NOT_FOUND')
  const limited = (await app.inject('/nope')).json()
  t.equal(limited.status, 429)
  t.equal(limited.type, `https://docs.example.com/problems/${limited.code as string}`)
  const unauthorized = (await app.inject('/metrics')).json()
  t.equal(unauthorized.status, 401)
  t.equal(unauthorized.type, `https://docs.example.com/problems/${unauthorized.code as string}`)
})
