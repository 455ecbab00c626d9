import t from 'tap'
import { spawnSync } from 'node:child_process'
import { getHeapStatistics } from 'node:v8'
import { freePort } from '@fastify-production/test-support/free-port'
import { runServer } from './server-process.js'

// Booting a primary and two workers that each load the whole app takes tens of seconds on a busy machine.
t.setTimeout(300_000)

const TOKEN = 'metrics-token-0123456789'

/** Samples of `name` as [labels, value]. */
function samples (text: string, name: string): Array<[Record<string, string>, number]> {
  const found: Array<[Record<string, string>, number]> = []
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (m?.[1] !== name) continue
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]))
    found.push([labels, Number(m[3])])
  }
  return found
}
const total = (text: string, name: string, where: Record<string, string> = {}): number =>
  samples(text, name).filter(([labels]) => Object.entries(where).every(([k, v]) => labels[k] === v)).reduce((a, [, v]) => a + v, 0)

t.test('WEB_CONCURRENCY=2: one /metrics for the whole cluster, one log format for every process', async (t) => {
  const port = await freePort()
  const server = runServer(t, { PORT: String(port), WEB_CONCURRENCY: '2', METRICS_TOKEN: TOKEN })
  await server.waitFor(/primary: all 2 workers ready/)
  const scrape = async (): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, connection: 'close' } })
    t.equal(res.status, 200)
    return await res.text()
  }

  await t.test('every scrape, whichever worker takes it, counts every request once', async (t) => {
    const sent = 24
    for (let i = 0; i < sent; i++) {
      // A fresh connection each: the primary hands them to the workers in turn.
      const res = await fetch(`http://127.0.0.1:${port}/orders/nope-${i}`, { headers: { connection: 'close' } })
      t.equal(res.status, 404)
      await res.arrayBuffer()
    }
    const servedBy = new Set(server.output().split('\n').filter((l) => l.includes('/orders/nope-')).map((l) => (JSON.parse(l) as { pid: number }).pid))
    t.equal(servedBy.size, 2, 'both workers served requests')
    for (let i = 0; i < 6; i++) {
      t.equal(total(await scrape(), 'http_request_duration_seconds_count', { route: '/orders/:id' }), sent, `scrape ${i + 1}: all ${sent} requests`)
    }
  })

  await t.test('gauges by their rule: start time, heap limit, utilization and state per worker; p99 the slowest; in flight summed', async (t) => {
    const text = await scrape()
    const workersOf = (name: string): string[] => samples(text, name).map(([labels]) => labels.worker as string).sort()
    t.same(workersOf('process_start_time_seconds'), ['0', '1'], 'process_start_time_seconds: one series per worker (FrequentRestarts, restart annotations)')
    const limit = getHeapStatistics().heap_size_limit
    t.same(samples(text, 'nodejs_heap_size_limit_bytes').map(([l, v]) => [l.worker, v]), [['0', limit], ['1', limit]], 'each worker\'s own heap limit, never the sum')
    t.same(workersOf('nodejs_heap_size_used_bytes'), ['0', '1'])
    const elu = samples(text, 'nodejs_eventloop_utilization_ratio')
    t.same(elu.map(([l]) => l.worker).sort(), ['0', '1'])
    t.ok(elu.every(([, v]) => v >= 0 && v <= 1), 'each a ratio')
    t.same(samples(text, 'app_lifecycle_state').filter(([l]) => l.state === 'ready').map(([l, v]) => [l.worker, v]).sort(), [['0', 1], ['1', 1]])
    const p99 = samples(text, 'nodejs_eventloop_lag_p99_seconds')
    t.equal(p99.length, 1, 'event-loop p99: one series, the slowest worker\'s')
    t.ok((p99[0]?.[1] ?? Infinity) < 1, 'not a sum over workers')
    t.equal(samples(text, 'http_requests_in_flight').length, 1)
    t.ok(total(text, 'http_requests_in_flight') >= 1, 'in flight summed: the scrape itself at least')
    t.same(samples(text, 'cluster_workers_alive'), [[{}, 2]])
    if (spawnSync('promtool', ['--version']).status === 0) {
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
      t.equal(lint.status, 0, `promtool check metrics: ${lint.stdout}${lint.stderr}`)
    } else {
      t.comment('promtool not installed: lint of the aggregated scrape skipped (the metrics package\'s tests require it in CI)')
    }
  })

  await t.test('the primary\'s lines and the workers\' parse with one parser: level labels, ISO time', async (t) => {
    const lines = server.output().trim().split('\n').map((l) => JSON.parse(l) as { level: unknown, time: unknown, pid: number, name?: string })
    const levels = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
    for (const line of lines) {
      if (!levels.has(line.level as string) || typeof line.time !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(line.time)) {
        t.fail(`a line in another format: ${JSON.stringify(line)}`)
      }
    }
    const primary = lines.filter((l) => l.name === '@fastify-production/cluster')
    t.ok(primary.length >= 3, 'the primary\'s lines')
    t.equal(new Set(lines.map((l) => l.pid)).size, 3, 'the primary and both workers logged')
    t.ok(lines.length > primary.length, 'the workers\' app lines')
  })

  server.child.kill('SIGTERM')
  t.equal((await server.exit).code, 0, 'SIGTERM: every worker drains, exit 0')
})
