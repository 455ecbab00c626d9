import t from 'tap'
import { freePort } from '@fastify-production/test-support/free-port'
import { getPid, msg, runCluster } from './helpers/cluster-process.js'

/** The value of each sample of `name`, keyed by its label set as written. */
function samples (text: string, name: string): Map<string, number> {
  const found = new Map<string, number>()
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line)
    if (m?.[1] === name) found.set(m[2] ?? '', Number(m[3]))
  }
  return found
}
const one = (text: string, name: string): number | undefined => samples(text, name).get('')

async function scrape (url: string): Promise<{ text: string, pid: string | null }> {
  const res = await fetch(url, { headers: { connection: 'close' } })
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
  return { text: await res.text(), pid: res.headers.get('x-pid') }
}

t.test('one cluster, scraped on the app\'s port and on the primary\'s metricsPort', { timeout: 180_000 }, async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()]
  const cluster = runCluster(t, { workers: 2, port, metricsPort, restartDelay: 10 }, { FIXTURE_METRICS: '1' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  const appMetrics = `http://127.0.0.1:${port}/metrics`
  const primaryMetrics = `http://127.0.0.1:${metricsPort}/metrics`
  let sent = 0
  const served = new Set<number>()

  await t.test('every scrape, whichever worker answers it, counts every request once', async (t) => {
    while (sent < 20 || served.size < 2) {
      const { status, pid } = await getPid(port)
      t.equal(status, 200)
      served.add(pid)
      sent++
      if (sent > 200) break
    }
    t.equal(served.size, 2, 'both workers served requests')
    const answeredBy = new Set<string | null>()
    for (let i = 0; i < 8 && (i < 4 || answeredBy.size < 2); i++) {
      const { text, pid } = await scrape(appMetrics)
      answeredBy.add(pid)
      t.equal(one(text, 'fixture_requests_total'), sent, `scrape ${i + 1} (worker ${pid}): all ${sent} requests`)
      t.equal(one(text, 'cluster_workers_alive'), 2)
      t.equal(one(text, 'cluster_worker_restarts_total'), 0)
    }
    t.equal(answeredBy.size, 2, 'the scrapes reached both workers')
    t.equal(one((await scrape(primaryMetrics)).text, 'fixture_requests_total'), sent, 'the primary\'s metricsPort says the same')
  })

  await t.test('a gauge declared per worker keeps one series per worker slot; `max` takes the highest', async (t) => {
    for (const url of [appMetrics, primaryMetrics]) {
      const { text } = await scrape(url)
      const pids = samples(text, 'fixture_pid')
      t.same([...pids.keys()].sort(), ['{worker="0"}', '{worker="1"}'], url)
      t.same(new Set(pids.values()), served, 'each worker\'s own value')
      t.equal(one(text, 'fixture_pid_max'), Math.max(...served))
    }
  })

  await t.test('the primary\'s server answers 404 elsewhere', async (t) => {
    const other = await fetch(`http://127.0.0.1:${metricsPort}/other`)
    t.equal(other.status, 404)
    await other.text()
  })

  await t.test('a restarted worker takes the slot of the one it replaces', async (t) => {
    const before = samples((await scrape(appMetrics)).text, 'fixture_pid')
    const victim = before.get('{worker="1"}') as number
    process.kill(victim, 'SIGKILL')
    const restarted = await cluster.waitFor((l) => /^worker \d+ ready$/.test(l.msg) && !served.has(l.worker as number), 'the replacement ready')
    const { text } = await scrape(primaryMetrics)
    t.same(samples(text, 'fixture_pid'), new Map([['{worker="0"}', before.get('{worker="0"}')], ['{worker="1"}', restarted.worker]]))
    t.equal(one(text, 'cluster_worker_restarts_total'), 1)
  })

  cluster.child.kill('SIGTERM')
  t.equal((await cluster.exit).code, 0)
})

t.test('workers that hang, fail or have no metrics are left out; the rest is still served', { timeout: 180_000 }, async (t) => {
  const [port, metricsPort] = [await freePort(), await freePort()]
  // One cluster, one worker of each: the first forked hangs, the second throws, the third has no metrics package.
  const cluster = runCluster(t, { workers: 3, port, metricsPort, metricsTimeout: 300 }, { FIXTURE_METRICS: 'by-id' })
  await cluster.waitFor(msg('primary: all 3 workers ready'), 'all workers ready')
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
  t.equal(res.status, 200)
  const text = await res.text()
  t.equal(one(text, 'fixture_requests_total'), undefined, 'no worker metric')
  t.equal(one(text, 'cluster_workers_alive'), 3, 'cluster metrics still there')
  t.equal(cluster.lines.filter(msg(/sent no metrics within 300 ms; left out$/)).length, 1, 'the hanging one, after metricsTimeout')
  t.equal(cluster.lines.filter(msg(/reading the metrics registry failed/)).length, 1, 'the throwing one; the app\'s own `metrics` decorator of the third is never read')
  cluster.child.kill('SIGTERM')
  t.equal((await cluster.exit).code, 0)
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
  t.equal(one(await res.text(), 'fixture_requests_total'), undefined)
  t.notOk(cluster.lines.some(msg(/sent no metrics within/)), 'no timeout was needed')
  cluster.child.kill('SIGTERM')
  await cluster.exit
})
