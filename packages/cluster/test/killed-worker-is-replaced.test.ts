import t from 'tap'
import { once } from 'node:events'
import { freePort } from '@fastify-production/test-support/free-port'
import { getPid, msg, runCluster } from './helpers/cluster-process.js'

t.test('a killed worker is replaced after a backoff that doubles, and the new one serves', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port, restartDelay: 50, maxRestartDelay: 5000 }, { FIXTURE_WORKER_ERROR: '1' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  t.match(cluster.lines.find(msg(/: fixture: spawn failed$/)), { level: 'error', err: { message: 'fixture: spawn failed' } }, 'a worker error event is logged, not thrown')
  const [first] = cluster.lines.filter(msg(/^worker \d+ ready$/)).map((l) => l.worker as number)

  process.kill(first as number, 'SIGKILL')
  const died = await cluster.waitFor((l) => l.worker === first && /died/.test(l.msg), 'first death')
  t.equal(died.level, 'error', 'logged at error')
  t.equal(died.signal, 'SIGKILL')
  t.equal(died.restartIn, 50, 'first restart after restartDelay')
  const replacement = await cluster.waitFor((l) => /^worker \d+ ready$/.test(l.msg) && l.worker !== first && cluster.lines.indexOf(l) > cluster.lines.indexOf(died), 'replacement ready')

  process.kill(replacement.worker as number, 'SIGKILL')
  const second = await cluster.waitFor((l) => l.worker === replacement.worker && /died/.test(l.msg), 'second death')
  t.equal(second.restartIn, 100, 'the second restart in the window waits twice as long')
  const third = await cluster.waitFor((l) => /^worker \d+ ready$/.test(l.msg) && cluster.lines.indexOf(l) > cluster.lines.indexOf(second), 'second replacement ready')

  // Fresh connections are spread round-robin: the new worker gets some within a few requests.
  const served = new Set<number>()
  for (let i = 0; i < 40 && !served.has(third.worker as number); i++) served.add((await getPid(port)).pid)
  t.ok(served.has(third.worker as number), 'the replacement serves requests')
  t.notOk(served.has(first as number), 'the killed worker does not')

  cluster.child.kill('SIGTERM')
  const { code } = await cluster.exit
  t.equal(code, 0)
})

t.test('a stop while a restart is pending cancels it: no fork, prompt exit 0', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port, restartDelay: 600_000, maxRestartDelay: 600_000 })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  const [first] = cluster.lines.filter(msg(/^worker \d+ ready$/)).map((l) => l.worker as number)
  process.kill(first as number, 'SIGKILL')
  const died = await cluster.waitFor((l) => l.worker === first && /died/.test(l.msg), 'death')
  t.equal(died.restartIn, 600_000)
  cluster.child.send('close')
  const [answer] = await once(cluster.child, 'message') as [string]
  t.equal(answer, 'closed 0', 'handle.close() in the primary resolves 0')
  t.ok(cluster.lines.some(msg('primary: stopping 1 workers')))
  t.equal(cluster.lines.filter(msg(/^worker \d+ ready$/)).length, 2, 'nothing was forked after the stop')
  cluster.child.kill('SIGTERM')
  await cluster.exit
})
