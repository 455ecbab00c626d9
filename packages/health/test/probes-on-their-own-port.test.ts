import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import health, { type HealthOptions } from '../src/index.js'
import { get, timeless } from './probe-client.js'

const TOKEN = 'a-detail-token-of-16+'
const PROBES = ['/health/live', '/health/ready', '/health/startup']

/** Two apps in the same state: `routes` answers on its own port as routes, `listener` on its probe port. */
async function twins (options: HealthOptions): Promise<{ routes: FastifyInstance, listener: FastifyInstance }> {
  const routes = Fastify()
  const listener = Fastify()
  await routes.register(health, options)
  await listener.register(health, { ...options, port: 0 })
  return { routes, listener }
}

/** What the app route answers (inject) and what the probe listener answers (a real socket), side by side. */
async function compare (t: Test, routes: FastifyInstance, probePort: number, path: string, headers: Record<string, string> = {}): Promise<void> {
  const expected = await routes.inject({ url: path, headers })
  const seen = await get(probePort, path, { headers })
  t.equal(seen.status, expected.statusCode, `${path}: status`)
  t.equal(timeless(seen.body), timeless(expected.body), `${path}: the same bytes, key order included`)
  t.equal(seen.headers['content-type'], expected.headers['content-type'], `${path}: content type`)
  t.equal(seen.headers['cache-control'], 'no-store', `${path}: cache-control`)
  t.equal(expected.headers['cache-control'], 'no-store')
  const head = await get(probePort, path, { method: 'HEAD', headers })
  t.equal(head.status, seen.status, `HEAD ${path}: status`)
  t.equal(head.body, '', `HEAD ${path}: no body`)
  t.ok(Number(head.headers['content-length']) > 0, `HEAD ${path}: the length a GET would send`)
}

t.test('the probe listener answers as the app routes do: starting, ready, degraded, detail, draining', async (t) => {
  let up = false
  const options: HealthOptions = {
    cacheMs: 0,
    detailToken: TOKEN,
    checks: {
      db: { check: () => up },
      search: { check: () => { throw new Error('search is down') }, critical: false }
    }
  }
  const { routes, listener } = await twins(options)
  t.teardown(() => routes.close())
  t.teardown(() => listener.close())
  await listener.listen({ host: '127.0.0.1', port: 0 })
  await routes.ready()
  const probePort = listener.health.address?.port as number

  t.equal(listener.health.state, 'starting')
  for (const path of PROBES) await compare(t, routes, probePort, path)
  await compare(t, routes, probePort, '/health/ready', { authorization: `Bearer ${TOKEN}` })
  const starting = await get(probePort, '/health/startup', { headers: { authorization: `Bearer ${TOKEN}` } })
  t.match(JSON.parse(starting.body), {
    status: 'starting',
    checks: {
      db: { status: 'fail', durationMs: Number, error: 'Error', message: 'check returned false' },
      search: { status: 'degraded', durationMs: Number, error: 'Error', message: 'search is down' }
    }
  }, 'detail with the token')

  up = true
  // Completes startup in both apps (unless their background retry did already: then the answers
  // would differ by which of the two got there first, so they are not compared).
  await routes.inject('/health/ready')
  await get(probePort, '/health/ready')
  t.equal(listener.health.state, 'ready')
  t.equal(routes.health.state, 'ready')
  for (const path of PROBES) await compare(t, routes, probePort, path)
  await compare(t, routes, probePort, '/health/ready', { authorization: `Bearer ${TOKEN}` })
  await compare(t, routes, probePort, '/health/ready', { authorization: 'Bearer not-the-token-at-all' })
  t.equal(JSON.parse((await get(probePort, '/health/ready')).body).status, 'degraded')

  routes.health.setReady(false)
  listener.health.setReady(false)
  await compare(t, routes, probePort, '/health/ready')
  routes.health.setReady(true)
  listener.health.setReady(true)

  up = false
  await compare(t, routes, probePort, '/health/ready')
  t.equal((await get(probePort, '/health/ready')).status, 503, 'a failing critical check')

  routes.health.drain()
  listener.health.drain()
  for (const path of PROBES) await compare(t, routes, probePort, path)
  t.same(JSON.parse((await get(probePort, '/health/ready')).body), { status: 'draining', checks: {} })
})

t.test('the probes leave the app: its port answers 404 for them; a query string is ignored on the listener', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(health, { port: 0 })
  app.get('/orders', async () => 'ok')
  t.equal(app.health.address, null, 'no listener before ready')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const appPort = (app.server.address() as { port: number }).port
  const address = app.health.address
  t.equal(address?.address, '127.0.0.1', 'loopback by default')
  t.not(address?.port, appPort)
  t.match(logs.lines.find((l) => l.msg === 'health probe listener started'), { level: 30, address })

  for (const path of PROBES) {
    t.equal((await get(appPort, path)).status, 404, `${path} is not on the app's port`)
    t.equal((await app.inject(path)).statusCode, 404)
    t.equal((await get(address?.port as number, `${path}?from=kubelet`)).status, 200, `${path} is on the probe port`)
  }
  const head = await get(address?.port as number, '/health/live', { method: 'HEAD' })
  t.equal(head.headers['content-length'], String('{"status":"ok","checks":{}}'.length), 'HEAD: the length GET sends')
})

t.test('the listener serves only the probes: anything else is 404 problem+json from the app\'s writer', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { port: 0, prefix: '' })
  app.get('/orders', async () => 'ok')
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = app.health.address?.port as number
  t.equal((await get(port, '/live')).status, 200, 'the prefix applies')

  for (const [method, path] of [['GET', '/orders?id=1'], ['GET', '/health/live'], ['GET', '/live/'], ['POST', '/live'], ['DELETE', '/ready']]) {
    const res = await get(port, path as string, { method })
    t.equal(res.status, 404, `${method} ${path}`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(JSON.parse(res.body), { type: 'about:blank', title: 'Not Found', status: 404, code: 'NOT_FOUND', instance: (path as string).split('?')[0], requestId: /^[0-9a-f-]{36}$/ })
  }
})

t.test('startup and readiness on the listener wait until the app\'s own port is bound', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { port: 0 })
  await app.ready()
  t.equal(app.health.state, 'ready', 'the lifecycle is ready')
  const port = app.health.address?.port as number
  t.equal((await get(port, '/health/live')).status, 200)
  for (const path of ['/health/ready', '/health/startup']) {
    const res = await get(port, path)
    t.equal(res.status, 503, `${path} before listen()`)
    t.same(JSON.parse(res.body), { status: 'starting', checks: {} })
  }
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.equal((await get(port, '/health/ready')).status, 200, 'ready once the app listens')
  t.equal((await get(port, '/health/startup')).status, 200)
})

t.test('host: the listener binds there', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { port: 0, host: '127.0.0.1' })
  await app.ready()
  t.equal(app.health.address?.address, '127.0.0.1')
})

t.test('without port: no listener, address stays null', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health)
  await app.ready()
  t.equal(app.health.address, null)
  t.equal((await app.inject('/health/live')).statusCode, 200)
})
