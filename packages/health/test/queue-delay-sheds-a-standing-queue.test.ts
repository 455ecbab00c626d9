import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import http from 'node:http'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { performance } from 'node:perf_hooks'
import type { AddressInfo } from 'node:net'
import { MetricsCap, provide } from '@fastify-production/core'
import { logCapture, startClosedLoop, type ClosedLoop, type LogLine } from '@fastify-production/test-support'
import health, { type HealthOptions } from '../src/index.js'

function spin (ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end);
}

interface Server { app: FastifyInstance, port: number, lines: LogLine[], shed: string[], firstQueueShed: Promise<void>, handledAt: number[] }

/** Health (sampled limits off: only queue delay sheds) on a real socket; `/work` holds the loop `workMs`. */
async function server (t: Test, options: HealthOptions, workMs: number): Promise<Server> {
  const capture = logCapture()
  const app = Fastify({ logger: { level: 'warn', stream: capture.stream } })
  t.teardown(() => app.close())
  const shed: string[] = []
  let queueShed!: () => void
  const firstQueueShed = new Promise<void>((resolve) => { queueShed = resolve })
  // The capability's contract (what the metrics package provides); its real counter is exercised by
  // the umbrella's tests.
  provide(app, MetricsCap, {
    counter: () => ({ inc (labels) { shed.push(String(labels?.reason)); if (labels?.reason === 'queueDelay') queueShed() } }),
    histogram: () => { throw new Error('health declares no histogram') },
    gauge: () => { throw new Error('health declares no gauge') },
    metricsAsJson: async () => []
  }, 'test')
  await app.register(health, { maxEventLoopDelay: 0, warnEventLoopDelay: 0, ...options })
  const handledAt: number[] = []
  app.get('/work', async () => {
    handledAt.push(performance.now())
    spin(workMs)
    return 'done'
  })
  app.get('/exempt', { config: { production: { loadShedding: false } } }, async () => {
    spin(workMs)
    return 'done'
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, port: (app.server.address() as AddressInfo).port, lines: capture.lines, shed, firstQueueShed, handledAt }
}

async function startClient (t: Test, port: number, paths: string[], connections: number): Promise<ClosedLoop> {
  const client = await startClosedLoop(port, paths, connections)
  t.teardown(client.kill)
  return client
}

/**
 * `count` keep-alive connections opened (and answered once) up front; `fire(path)` writes `count` GETs
 * on them in one go, so one turn of the server's loop reads them all.
 */
async function burster (t: Test, port: number, path: string, count: number): Promise<(p: string) => Promise<number[]>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: count })
  t.teardown(() => agent.destroy())
  const get = (p: string): Promise<number> => new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)) }).on('error', reject)
  })
  // One at a time first (each the only request of its turn, never shed): the route is compiled and
  // warm before any burst, so a burst measures waiting, not start-up.
  for (let i = 0; i < 5; i++) await get(path)
  await Promise.all(Array.from({ length: count }, () => get('/health/live')))
  return (p) => Promise.all(Array.from({ length: count }, () => get(p)))
}

t.test('a standing queue is shed per request: 503 problem + Retry-After, counted under queueDelay, one warning; probes and opted-out routes are served throughout', async (t) => {
  const s = await server(t, { maxQueueDelay: 20, retryAfter: 7 }, 5)
  // 24 connections on /work, 8 on an opted-out route, 8 on liveness: turns of up to 40 × 5 ms.
  const client = await startClient(t, s.port, ['/work', '/work', '/work', '/exempt', '/work', '/work', '/work', '/health/live'], 40)
  await s.firstQueueShed
  const live = await fetch(`http://127.0.0.1:${s.port}/health/live`)
  t.equal(live.status, 200, 'liveness from another client while shedding')
  const report = await client.stop()

  const work = report.statuses['/work'] as Record<string, number>
  t.ok((work['503'] ?? 0) > 0, `requests were shed (${JSON.stringify(report.statuses)})`)
  t.ok((work['200'] ?? 0) > 0, 'and others served')
  t.same(Object.keys(work).sort(), ['200', '503'], 'nothing but served and shed')
  t.same(report.statuses['/exempt'], { 200: report.statuses['/exempt']?.['200'] }, 'a route with production.loadShedding: false is never shed')
  t.same(report.statuses['/health/live'], { 200: report.statuses['/health/live']?.['200'] }, 'liveness is never shed')
  t.equal(report.errors, 0, 'no connection errors')
  t.same(report.retryAfter, ['7'])
  t.same(report.contentTypes, ['application/problem+json; charset=utf-8'])
  t.equal(s.shed.length, work['503'], 'every 503 is counted')
  t.same([...new Set(s.shed)], ['queueDelay'], 'under the queueDelay reason')
  const warnings = s.lines.filter((line) => line.msg?.includes('shedding requests that waited more than 20 ms'))
  t.ok(warnings.length >= 1, 'a warning names the limit')
  t.match(warnings[0], { level: 40, maxQueueDelay: 20, shed: 1 })
})

t.test('a burst that drains within 100 ms is not shed, though its last requests waited longer than maxQueueDelay', async (t) => {
  const s = await server(t, { maxQueueDelay: 2 }, 0.5)
  const fire = await burster(t, s.port, '/work', 20)
  const statuses = await fire('/work')
  t.same(statuses, Array(20).fill(200))
  const burstAt = s.handledAt.slice(-20)
  const waited = (burstAt.at(-1) as number) - (burstAt[0] as number)
  t.ok(waited > 2, `the last request of the burst waited ${waited.toFixed(1)} ms behind the others, over maxQueueDelay`)
  t.same(s.shed, [])
})

t.test('an idle loop ends the congestion: a burst after it is served whole', async (t) => {
  const s = await server(t, { maxQueueDelay: 20 }, 5)
  const fire = await burster(t, s.port, '/work', 30)
  t.same(await fire('/work'), Array(30).fill(200), 'one 150 ms turn: a burst, not shed, but it leaves the loop congested')
  // The condition under test (the loop idle between two turns), not a wait for an outcome.
  await sleep(50)
  t.same(await fire('/work'), Array(30).fill(200), 'the next 150 ms turn starts after the loop idled: served whole')
  t.same(s.shed, [])
})

t.test('busy time between turns (timers, connections opening and closing) keeps the congestion; only an idle loop ends it', async (t) => {
  const s = await server(t, { maxQueueDelay: 20 }, 5)
  const client = await startClient(t, s.port, ['/work'], 40)
  await s.firstQueueShed
  // 30 ms of other work in every iteration of the loop, between the turns that read requests.
  const other = setInterval(() => spin(30), 0)
  t.teardown(() => clearInterval(other))
  const shedBefore = s.shed.length
  const until = s.handledAt.length + 200
  while (s.handledAt.length < until) await once(s.app.server, 'request')
  clearInterval(other)
  await client.stop()
  // Each turn serves about maxQueueDelay / 5 ms = 4 requests of the 40 waiting: most are shed.
  t.ok(s.shed.length - shedBefore > 200, `more requests shed than the 200 served while the loop never idled (${s.shed.length - shedBefore})`)
})

t.test('maxQueueDelay: 0 never sheds by queue delay', async (t) => {
  const s = await server(t, { maxQueueDelay: 0 }, 5)
  const client = await startClient(t, s.port, ['/work'], 40)
  // The same load that sheds with a limit; stop after enough turns for the congestion interval to pass several times.
  while (s.handledAt.length < 400) await once(s.app.server, 'request')
  const report = await client.stop()
  t.same(Object.keys(report.statuses['/work'] as object), ['200'])
  t.same(s.shed, [])
})
