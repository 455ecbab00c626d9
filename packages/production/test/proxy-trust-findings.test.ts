import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import production, { appFindings, serverOptions } from '../src/index.js'
import { untrustedProxyFinding } from '../src/risk.js'

const metrics = { token: 'a-long-random-metrics-token' }

function inProduction (t: Test): void {
  const before = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  t.teardown(() => { process.env.NODE_ENV = before })
}

const proxied = (code: unknown): boolean => code === 'FP_WARN_PROXY_UNTRUSTED'

t.test('production, no trustProxy: the first request with X-Forwarded-For logs FP_WARN_PROXY_UNTRUSTED once, naming the proxy', async (t) => {
  inProduction(t)
  const logs = logCapture()
  const app = Fastify({ ...serverOptions(), logger: { level: 'warn', stream: logs.stream } })
  await app.register(production, { metrics })
  app.get('/', async () => 'ok')
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/`
  t.equal((await fetch(url)).status, 200)
  t.equal(logs.lines.filter((l) => proxied(l.code)).length, 0, 'a request without the header says nothing: no proxy seen yet')
  for (const client of ['198.51.100.7', '198.51.100.8']) {
    t.equal((await fetch(url, { headers: { 'x-forwarded-for': client } })).status, 200)
  }
  const lines = logs.lines.filter((l) => proxied(l.code))
  t.equal(lines.length, 1, 'once per process, not per request')
  t.match(lines[0], { level: 40, msg: /from 127\.0\.0\.1, a proxy that trustProxy does not trust.*one rate-limit bucket/, fix: /trustProxy.*10\.0\.0\.0\/8/ })
  t.notMatch(logs.text(), /198\.51\.100/, 'client addresses from the header are not logged in the finding')
})

t.test('production, trustProxy lists the proxy: its forwarded requests are believed, nothing to report', async (t) => {
  inProduction(t)
  const logs = logCapture()
  const app = Fastify({ ...serverOptions(), trustProxy: ['127.0.0.1'], logger: { level: 'warn', stream: logs.stream } })
  await app.register(production, { metrics })
  app.get('/', async (request) => request.ip)
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/', headers: { 'x-forwarded-for': '198.51.100.7' } })
  t.equal(res.body, '198.51.100.7')
  t.equal(logs.lines.filter((l) => proxied(l.code)).length, 0)
})

t.test('outside production the umbrella does not watch (tests forge the header freely)', async (t) => {
  const before = process.env.NODE_ENV
  process.env.NODE_ENV = 'development'
  t.teardown(() => { process.env.NODE_ENV = before })
  const logs = logCapture()
  const app = Fastify({ ...serverOptions(), logger: { level: 'warn', stream: logs.stream } })
  await app.register(production)
  t.teardown(() => app.close())
  await app.inject({ url: '/', headers: { 'x-forwarded-for': '198.51.100.7' } })
  t.equal(logs.lines.filter((l) => proxied(l.code)).length, 0)
})

t.test('a peer without an address (a destroyed socket) is named as unknown', async (t) => {
  t.match(untrustedProxyFinding(undefined), { code: 'FP_WARN_PROXY_UNTRUSTED', severe: true, message: /from an unknown peer/ })
})

t.test('trustProxy as a hop count is reported at boot: it cannot tell the proxy from a direct client', async (t) => {
  t.match(appFindings({ trustProxy: 1, keepAliveTimeout: 72_000 }), [{ code: 'FP_WARN_TRUST_PROXY_HOPS', severe: true, message: /hop count \(1\)/, fix: /addresses or CIDR/ }])
  t.same(appFindings({ trustProxy: ['10.0.0.0/8'], keepAliveTimeout: 72_000 }), [], 'a list of addresses is what the finding asks for')
  const logs = logCapture()
  // Fastify's own types no longer accept a number; JavaScript apps and older Fastify versions still pass one.
  const app = Fastify({ ...serverOptions(), trustProxy: 2 as unknown as string, logger: { level: 'warn', stream: logs.stream } })
  await app.register(production, { metrics })
  t.teardown(() => app.close())
  await app.ready()
  t.match(logs.lines.find((l) => l.code === 'FP_WARN_TRUST_PROXY_HOPS'), { level: 40, msg: /hop count \(2\)/ })
})
