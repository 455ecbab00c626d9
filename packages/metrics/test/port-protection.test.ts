import t from 'tap'
import Fastify from 'fastify'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { once } from 'node:events'
import metrics from '../src/index.js'
import { parseExposition } from './exposition.js'

function get (port: number, path: string, options: { method?: string, headers?: Record<string, string>, host?: string } = {}): Promise<{ status: number, type: string | undefined, body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: options.host ?? '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => resolve({ status: res.statusCode as number, type: res.headers['content-type'], body }))
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('port: a separate real listener serves /metrics; the app does not', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { port: 0 })
  app.get('/orders/:id', async () => 'ok')
  t.equal(app.metrics.address, null, 'no listener before ready')
  await app.ready()
  const address = app.metrics.address
  t.equal(address?.address, '127.0.0.1', 'bound to loopback by default')
  const port = address?.port as number

  t.equal((await app.inject('/metrics')).statusCode, 404, 'the app itself has no /metrics')
  await app.inject('/orders/1')
  const res = await get(port, '/metrics?from=prometheus')
  t.equal(res.status, 200)
  t.equal(res.type, 'text/plain; version=0.0.4; charset=utf-8')
  t.equal(parseExposition(res.body).sum('http_request_duration_seconds_count', { route: '/orders/:id' }), 1)

  const other = await get(port, '/orders/1')
  t.equal(other.status, 404, 'nothing of the app is reachable on the metrics port')
  t.equal(other.type, 'application/problem+json; charset=utf-8')
  t.equal(JSON.parse(other.body).code, 'NOT_FOUND')
  t.equal((await get(port, '/metrics', { method: 'POST' })).status, 404)
  t.equal((await get(port, '/debug/heap-snapshot', { method: 'POST' })).status, 404, 'no heap snapshots unless enabled')

  await app.close()
  t.equal(app.metrics.address, null)
  await t.rejects(get(port, '/metrics'), { code: 'ECONNREFUSED' }, 'the listener is closed with the app')
})

t.test('port and token together: the listener wants the token too', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { port: 0, token: 'tok' })
  await app.ready()
  const port = app.metrics.address?.port as number
  const denied = await get(port, '/metrics?a=b')
  t.equal(denied.status, 401)
  t.match(JSON.parse(denied.body), { status: 401, code: 'UNAUTHORIZED', instance: '/metrics' })
  t.equal((await get(port, '/metrics', { headers: { authorization: 'Bearer tok' } })).status, 200)
})

t.test('a port already taken fails the boot with FP_ERR_METRICS_LISTEN, the listen error as its cause', async (t) => {
  const blocker = createServer()
  blocker.listen(0, '127.0.0.1')
  await once(blocker, 'listening')
  t.teardown(() => blocker.close())
  const port = (blocker.address() as { port: number }).port
  const app = Fastify()
  await app.register(metrics, { port })
  await t.rejects(async () => { await app.ready() }, {
    code: 'FP_ERR_METRICS_LISTEN',
    message: new RegExp(`^The metrics listener cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*Give \`port\` a free port`),
    cause: { code: 'EADDRINUSE' }
  })
  t.equal(app.metrics.address, null)
  await app.close()
  t.pass('the app still closes')
})

t.test('a failing collect answers 500 problem+json on the listener and is logged', async (t) => {
  const lines: string[] = []
  const app = Fastify({ logger: { level: 'error', stream: { write: (line: string) => { lines.push(line) } } } })
  t.teardown(() => app.close())
  await app.register(metrics, { port: 0, defaultMetrics: false })
  app.metrics.gauge({ name: 'broken', help: 'throws at scrape', collect () { throw new Error('collector broke') } })
  await app.ready()
  const res = await get(app.metrics.address?.port as number, '/metrics')
  t.equal(res.status, 500)
  t.match(JSON.parse(res.body), { status: 500, code: 'INTERNAL_SERVER_ERROR', detail: 'An unexpected error occurred.' })
  t.notMatch(res.body, /collector broke/)
  t.match(lines.join(''), /collector broke/)
})

t.test('a listener closes even with a keep-alive connection open', async (t) => {
  const app = Fastify()
  await app.register(metrics, { port: 0, defaultMetrics: false })
  await app.ready()
  const port = app.metrics.address?.port as number
  const { Agent } = await import('node:http')
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => agent.destroy())
  await new Promise<void>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/metrics', agent }, (res) => { res.resume(); res.on('end', resolve) }).on('error', reject).end()
  })
  await app.close()
  t.pass('close returned')
})
