import t from 'tap'
import { freePort } from '@fastify-production/test-support/free-port'
import { msg, runCluster } from './helpers/cluster-process.js'

const STOP = 'fixture shutdown: the cluster primary asked this worker to stop'

t.test('SIGTERM: in-flight requests finish, every worker exits 0, then the primary exits 0', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  const slow = fetch(`http://127.0.0.1:${port}/slow?ms=1500`)
  await cluster.waitFor(msg('slow: started'), 'slow request started')
  const signalled = performance.now()
  cluster.child.kill('SIGTERM')
  const res = await slow
  t.equal(res.status, 200, 'the in-flight request got its answer')
  t.same(await res.json(), { pid: (cluster.lines.find(msg('slow: started')) as { pid: number }).pid, slow: true })
  const { code } = await cluster.exit
  t.equal(code, 0, 'exit code 0')
  t.ok(performance.now() - signalled < 30_000, 'within the bound')
  t.equal(cluster.lines.filter(msg('app closed; exiting with code 0')).length, 2, 'each worker closed its app')
  t.ok(cluster.lines.some(msg('primary: every worker is gone; exit code 0')))
})

t.test('a second SIGTERM, after the first has had time, kills the workers and exits 1', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  // A drain and a request longer than any busy machine takes to get here: only the second SIGTERM can cut it.
  const cluster = runCluster(t, { workers: 2, port, drainTimeout: 120_000 })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  const slow = fetch(`http://127.0.0.1:${port}/slow?ms=120000`).then(() => 'answered', () => 'failed')
  await cluster.waitFor(msg('slow: started'), 'slow request started')
  cluster.child.kill('SIGTERM')
  cluster.child.kill('SIGTERM') // the same signal twice at once (process and group): not a second request
  await cluster.waitFor(msg('SIGTERM: stopping every worker gracefully'), 'first SIGTERM taken')
  // The primary notes the time before it writes that line: 1.1 s from seeing it is past the 1 s in
  // which another delivery still counts as the same signal.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  cluster.child.kill('SIGTERM')
  const { code } = await cluster.exit
  t.equal(code, 1)
  t.equal(cluster.lines.filter(msg('SIGTERM: stopping every worker gracefully')).length, 1, 'the two at once were taken as one')
  t.equal(cluster.lines.filter(msg('second SIGTERM: killing every worker, exit 1')).length, 1)
  t.equal(await slow, 'failed', 'the killed worker\'s request was cut')
})

t.test('a worker that ignores the stop is killed after killTimeout, and the exit code says so', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port, killTimeout: 1000 }, { FIXTURE_SHUTDOWN: 'ignore' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  cluster.child.kill('SIGTERM')
  const { code } = await cluster.exit
  t.equal(code, 1)
  t.equal(cluster.lines.filter(msg(/still running 1000 ms after being told to stop; SIGKILL$/)).length, 2)
  t.equal(cluster.lines.filter(msg(STOP)).length, 2, 'the shutdown plugin was asked to stop, through its capability, not our own handler')
})

t.test('with a shutdown plugin in the workers, it owns the signal and the exits are clean', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port }, { FIXTURE_SHUTDOWN: 'plugin' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  cluster.child.kill('SIGINT')
  const { code } = await cluster.exit
  t.equal(code, 0)
  t.equal(cluster.lines.filter(msg(STOP)).length, 2, 'each worker\'s shutdown plugin ran its sequence')
  t.equal(cluster.lines.filter(msg(/draining connections/)).length, 0, 'our own handler stayed out')
})
