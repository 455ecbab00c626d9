import t from 'tap'
import Fastify from 'fastify'
import { performance } from 'node:perf_hooks'
import type { AddressInfo } from 'node:net'
import { logCapture, startClosedLoop } from '@fastify-production/test-support'
import production, { serverOptions } from '../src/index.js'

t.test('under a standing queue the suite sheds by queue delay: problem+json 503s, each counted in /metrics and written as an access line, liveness served', async (t) => {
  const logs = logCapture()
  const app = Fastify(serverOptions({ logger: { level: 'info', stream: logs.stream } }))
  t.teardown(() => app.close())
  await app.register(production, {
    security: { rateLimit: { max: 1e9, timeWindow: '1 minute' } },
    health: { maxQueueDelay: 20, maxEventLoopDelay: 0 }
  })
  let shedSeen!: () => void
  const firstShed = new Promise<void>((resolve) => { shedSeen = resolve })
  app.addHook('onResponse', async (_request, reply) => { if (reply.statusCode === 503) shedSeen() })
  app.get('/work', async () => {
    const end = performance.now() + 5
    while (performance.now() < end);
    return { done: true }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as AddressInfo).port

  const client = await startClosedLoop(port, ['/work', '/work', '/work', '/health/live'], 40)
  t.teardown(client.kill)
  await firstShed
  const report = await client.stop()

  const work = report.statuses['/work'] as Record<string, number>
  const shed = work['503'] ?? 0
  t.ok(shed > 0 && (work['200'] ?? 0) > 0, `some served, some shed: ${JSON.stringify(report.statuses)}`)
  t.same(Object.keys(report.statuses['/health/live'] as object), ['200'], 'liveness only ever 200')
  t.same(report.contentTypes, ['application/problem+json; charset=utf-8'])
  t.same(report.retryAfter, ['10'])

  const scrape = await app.inject('/metrics')
  const counted = /^http_requests_shed_total\{reason="queueDelay"\} (\d+)$/m.exec(scrape.body)
  t.equal(Number(counted?.[1]), shed, 'http_requests_shed_total{reason="queueDelay"} counts every 503 the client got')
  const accessLines = logs.lines.filter((l) => l.url === '/work' && l.statusCode === 503)
  t.equal(accessLines.length, shed, 'one access line per shed request')
})
