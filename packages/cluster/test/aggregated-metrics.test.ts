import t from 'tap'
import { freePort } from '@fastify-production/test-support/free-port'
import { getPid, msg, runCluster } from './helpers/cluster-process.js'

function sample (text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.split(' ')[1])
}

t.test('the primary\'s /metrics sums the requests served by every worker, plus cluster gauges', { timeout: 120_000 }, async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()]
  const cluster = runCluster(t, { workers: 2, port, metricsPort }, { FIXTURE_METRICS: '1' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  const perWorker = new Map<number, number>()
  let sent = 0
  while (sent < 20 || perWorker.size < 2) {
    const { status, pid } = await getPid(port)
    t.equal(status, 200)
    perWorker.set(pid, (perWorker.get(pid) ?? 0) + 1)
    sent++
    if (sent > 200) break
  }
  t.equal(perWorker.size, 2, `both workers served: ${JSON.stringify([...perWorker])}`)

  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^text\/plain/)
  const text = await res.text()
  t.equal(sample(text, 'fixture_requests_total'), sent, `all ${sent} requests counted once`)
  t.equal(sample(text, 'cluster_workers_alive'), 2)
  t.equal(sample(text, 'cluster_worker_restarts_total'), 0)

  const other = await fetch(`http://127.0.0.1:${metricsPort}/other`)
  t.equal(other.status, 404)
  await other.text()

  cluster.child.kill('SIGTERM')
  t.equal((await cluster.exit).code, 0)
})

t.test('workers that hang, fail or have no metrics are left out; the rest is still served', { timeout: 120_000 }, async (t) => {
  for (const mode of ['hang', 'throw', 'none']) {
    const [port, metricsPort] = [await freePort(), await freePort()]
    const env: Record<string, string> = mode === 'none' ? {} : { FIXTURE_METRICS: mode }
    const cluster = runCluster(t, { workers: 2, port, metricsPort, metricsTimeout: 300 }, env)
    await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    t.equal(res.status, 200, mode)
    const text = await res.text()
    t.equal(sample(text, 'fixture_requests_total'), undefined, `${mode}: no worker metric`)
    t.equal(sample(text, 'cluster_workers_alive'), 2, `${mode}: cluster metrics still there`)
    if (mode === 'hang') t.equal(cluster.lines.filter(msg(/sent no metrics within 300 ms; left out$/)).length, 2)
    if (mode === 'throw') t.equal(cluster.lines.filter(msg(/reading the metrics registry failed/)).length, 2)
    if (mode === 'none') t.notOk(cluster.lines.some(msg(/reading the metrics registry failed/)), 'the app\'s own `metrics` decorator is never read')
    cluster.child.kill('SIGTERM')
    t.equal((await cluster.exit).code, 0, `${mode}: exit 0`)
  }
})

t.test('a worker that dies while the primary waits for its metrics is left out at once', { timeout: 120_000 }, async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()]
  const cluster = runCluster(t, { workers: 2, port, metricsPort, metricsTimeout: 60_000, restartDelay: 10 }, { FIXTURE_METRICS: 'hang' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  const response = fetch(`http://127.0.0.1:${metricsPort}/metrics`)
  await cluster.waitFor((l) => l.msg === 'fixture: metrics asked' && cluster.lines.filter(msg('fixture: metrics asked')).length === 2, 'both asked')
  for (const pid of new Set(cluster.lines.filter(msg('fixture: metrics asked')).map((l) => l.pid))) process.kill(pid, 'SIGKILL')
  const res = await response
  t.equal(res.status, 200)
  t.equal(sample(await res.text(), 'fixture_requests_total'), undefined)
  t.notOk(cluster.lines.some(msg(/sent no metrics within/)), 'no timeout was needed')
  cluster.child.kill('SIGTERM')
  await cluster.exit
})
