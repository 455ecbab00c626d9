import t from 'tap'
import { freePort } from '@fastify-production/test-support/free-port'
import { msg, runCluster } from './helpers/cluster-process.js'
import { keepAliveLoad } from './helpers/keep-alive-load.js'

t.test('SIGUSR2 under keep-alive load replaces every worker, one at a time, with zero failed requests', { timeout: 150_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port }, { FIXTURE_HEALTH: '1' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  const before = cluster.lines.filter(msg(/^worker \d+ ready$/)).map((l) => l.worker as number)

  const load = keepAliveLoad(port, 8)
  await load.whenOk(200)
  cluster.child.kill('SIGUSR2')
  await cluster.waitFor(msg('reload: done'), 'reload done', 120_000)
  // Keep the load on until the new workers have served a while too.
  await load.whenOk(load.result.ok + 200)
  const result = await load.stop()

  t.same(result.failures, [], 'no request failed')
  t.equal(result.failed, 0, 'failed requests')
  t.equal(result.ok, result.sent, 'every request sent was answered 2xx')
  t.ok(result.sent >= 400, `requests sent under load: ${result.sent}`)

  const replaced = cluster.lines.filter(msg(/^reload: worker \d+ ready; retiring worker \d+$/))
  t.same(replaced.map((l) => l.retiring).sort(), [...before].sort(), 'each old worker was retired once a new one was ready')
  for (const pid of before) {
    t.ok(cluster.lines.some((l) => l.worker === pid && l.code === 0 && /exited/.test(l.msg)), `old worker ${pid} exited 0`)
  }
  const fresh = replaced.map((l) => l.worker as number)
  t.ok(fresh.some((pid) => result.pids.has(pid)), 'new workers served requests')
  t.ok(before.some((pid) => result.pids.has(pid)), 'old workers served requests before')

  cluster.child.kill('SIGTERM')
  const { code } = await cluster.exit
  t.equal(code, 0, 'the primary exits 0 after SIGTERM')
})
