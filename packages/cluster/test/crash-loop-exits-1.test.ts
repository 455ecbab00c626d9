import t from 'tap'
import { freePort } from '@fastify-production/test-support/free-port'
import { msg, runCluster } from './helpers/cluster-process.js'

t.test('workers that keep dying: more than maxRestarts in restartWindow stops the primary with exit 1', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const started = performance.now()
  const cluster = runCluster(t, { workers: 2, port, maxRestarts: 3, restartWindow: 60_000, restartDelay: 10 }, { FIXTURE_BUILD_FAIL: '1' })
  const { code } = await cluster.exit
  const elapsed = performance.now() - started
  t.equal(code, 1, 'exit code 1')
  const fatal = cluster.lines.find(msg(/^crash loop: 4 restarts within 60000 ms/))
  t.ok(fatal, 'a fatal crash-loop line')
  t.equal(fatal?.level, 60)
  t.equal(cluster.lines.filter(msg(/died/)).length, 3, 'three restarts were tried')
  t.ok(cluster.lines.filter(msg('worker: the app failed to start')).length >= 4, 'each worker logged why it failed')
  t.ok(cluster.lines.some(msg('primary: every worker is gone; exit code 1')), 'the rest were shut down first')
  t.ok(elapsed < 90_000, `stopped in ${Math.round(elapsed)} ms`)
})
