import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@fastify-production/test-support/free-port'
import { msg, runCluster } from './helpers/cluster-process.js'

t.test('workers that keep dying after the boot: more than maxRestarts in restartWindow stops the primary with exit 1', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const file = join(mkdtempSync(join(tmpdir(), 'fp-cluster-')), 'state')
  writeFileSync(file, 'ok')
  const cluster = runCluster(t, { workers: 2, port, maxRestarts: 3, restartWindow: 60_000, restartDelay: 10 }, { FIXTURE_STATE_FILE: file })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  // From now on every new worker fails to build: the one killed is restarted again and again.
  writeFileSync(file, 'fail')
  const [victim] = cluster.lines.filter(msg(/^worker \d+ ready$/)).map((l) => l.worker as number)
  process.kill(victim as number, 'SIGKILL')
  const { code } = await cluster.exit
  t.equal(code, 1, 'exit code 1')
  const fatal = cluster.lines.find(msg(/^crash loop: 4 restarts within 60000 ms/))
  t.ok(fatal, 'a fatal crash-loop line')
  t.equal(fatal?.level, 'fatal')
  t.equal(cluster.lines.filter(msg(/died/)).length, 3, 'three restarts were tried')
  const failed = cluster.lines.filter(msg('worker ' + String(cluster.lines.find(msg(/failed to start/))?.worker) + ' failed to start: fixture: build fails on purpose'))
  t.equal(failed.length, 1, 'each restarted worker\'s failure is logged once, by the primary')
  t.equal(cluster.lines.filter(msg(/failed to start: fixture: build fails on purpose$/)).length, 3)
  t.match(failed[0], { level: 'error', code: 'Error', err: { message: 'fixture: build fails on purpose', stack: /fixture: build fails on purpose/ } })
  t.ok(cluster.lines.some(msg('primary: every worker is gone; exit code 1')), 'the rest were shut down first')
})
