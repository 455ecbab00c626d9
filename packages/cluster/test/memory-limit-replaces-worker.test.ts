import t from 'tap'
import { freePort } from '@fastify-production/test-support/free-port'
import { msg, runCluster } from './helpers/cluster-process.js'

t.test('a worker whose RSS stays above maxMemoryMb is replaced the rolling way, with a warn line', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  // Every Node process is above 1 MiB: each worker is replaced after two samples.
  const cluster = runCluster(t, { workers: 2, port, maxMemoryMb: 1, memoryInterval: 200, memorySamples: 2 })
  const warn = await cluster.waitFor(msg(/RSS \d+ MiB above maxMemoryMb \(1\) for 2 samples; replacing it$/), 'memory warning')
  t.equal(warn.level, 'warn', 'logged at warn')
  t.ok((warn.rssMb as number) > 1)
  const replaced = await cluster.waitFor((l) => l.retiring === warn.worker, 'replacement ready')
  t.not(replaced.worker, warn.worker, 'a new worker took its place')
  await cluster.waitFor((l) => l.worker === warn.worker && /exited \(code 0/.test(l.msg), 'old worker exited 0')
  cluster.child.kill('SIGTERM')
  const { code } = await cluster.exit
  t.equal(code, 0)
})
