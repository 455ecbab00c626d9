import t from 'tap'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { freePort } from '@fastify-production/test-support/free-port'
import { getPid, msg, runCluster } from './helpers/cluster-process.js'

for (const [state, readyTimeout, expected] of [['never', 3000, /not ready within readyTimeout \(3000 ms\)/], ['fail', 60_000, /exited \(code 1, signal null\) before it was ready/]] as const) {
  t.test(`a reload whose new worker ${state === 'never' ? 'never gets ready' : 'crashes'} stops and keeps the old workers`, { timeout: 120_000 }, async (t) => {
    const port = await freePort()
    const file = join(mkdtempSync(join(tmpdir(), 'fp-cluster-')), 'state')
    writeFileSync(file, 'ok')
    const cluster = runCluster(t, { workers: 2, port, readyTimeout }, { FIXTURE_HEALTH: '1', FIXTURE_STATE_FILE: file, FIXTURE_RELOAD_ON_MESSAGE: '1' })
    await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
    const before = cluster.lines.filter(msg(/^worker \d+ ready$/)).map((l) => l.worker as number)
    writeFileSync(file, state)
    cluster.child.send('reload')
    const [answer] = await once(cluster.child, 'message') as [string]
    t.match(answer, /^reload failed: /)
    t.match(answer, expected)
    const failed = cluster.lines.find(msg(/^reload: new worker \d+ failed to become ready; keeping worker \d+, reload stopped$/))
    t.ok(failed, 'logged')
    t.ok(before.includes(failed?.kept as number), 'the old worker was kept')
    t.ok(before.includes((await getPid(port)).pid), 'old workers still serve')
    cluster.child.kill('SIGTERM')
    t.equal((await cluster.exit).code, 0)
  })
}

// Two full reloads: six worker boots, each tens of seconds on a busy 2-core machine; the bounds are only a safety net.
t.test('reload() and close() called in a worker are carried out by the primary', { timeout: 300_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  cluster.child.send('reload')
  const [answer] = await once(cluster.child, 'message') as [string]
  t.equal(answer, 'reloaded', 'handle.reload() in the primary resolves when every worker is replaced')
  t.equal(cluster.lines.filter(msg('reload: done')).length, 1)
  const reload = await fetch(`http://127.0.0.1:${port}/admin/reload`, { method: 'POST' })
  t.same(await reload.json(), { asked: 'reload' })
  await cluster.waitFor((l) => l.msg === 'reload: done' && cluster.lines.filter(msg('reload: done')).length === 2, 'second reload done', 180_000)
  t.equal(cluster.lines.filter(msg(/^reload: worker \d+ ready; retiring worker \d+$/)).length, 4)
  const close = await fetch(`http://127.0.0.1:${port}/admin/close`, { method: 'POST', headers: { connection: 'close' } })
  t.same(await close.json(), { code: 0 })
  await cluster.waitFor(msg('primary: every worker is gone; exit code 0'), 'all gone')
  // close() does not exit the primary: its IPC channel with this test keeps it up.
  cluster.child.kill('SIGTERM')
  const { code, signal } = await cluster.exit
  t.same({ code, signal }, { code: null, signal: 'SIGTERM' }, 'with its signal listeners removed, SIGTERM does what it does by default')
})

t.test('a worker that dies during a reload is skipped by it (its restart replaces it)', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const file = join(mkdtempSync(join(tmpdir(), 'fp-cluster-')), 'state')
  writeFileSync(file, 'ok')
  const cluster = runCluster(t, { workers: 2, port, restartDelay: 10 }, { FIXTURE_HEALTH: '1', FIXTURE_STATE_FILE: file })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  // New workers stay starting until the file changes again: the second dies before the first is replaced.
  writeFileSync(file, 'gate')
  cluster.child.kill('SIGUSR2')
  const started = await cluster.waitFor(msg(/^reload: replacing 2 workers/), 'reload started')
  const [, second] = started.order as number[]
  process.kill(second as number, 'SIGKILL')
  await cluster.waitFor((l) => l.worker === second && /died/.test(l.msg), 'the second died')
  writeFileSync(file, 'ok')
  await cluster.waitFor(msg('reload: done'), 'reload done')
  t.equal(cluster.lines.filter(msg(/^reload: worker \d+ ready; retiring worker \d+$/)).length, 1, 'only the first was replaced by the reload')
  t.ok(cluster.lines.some((l) => l.worker === second && /died/.test(l.msg)), 'the second died and was restarted')
  cluster.child.kill('SIGTERM')
  t.equal((await cluster.exit).code, 0)
})

t.test('SIGTERM during a reload: the reload stops after the worker in hand, everything exits 0', { timeout: 120_000 }, async (t) => {
  const port = await freePort()
  const cluster = runCluster(t, { workers: 2, port }, { FIXTURE_HEALTH: '1' })
  await cluster.waitFor(msg('primary: all 2 workers ready'), 'all workers ready')
  cluster.child.kill('SIGUSR2')
  await cluster.waitFor(msg(/^reload: worker \d+ ready; retiring worker \d+$/), 'first retiring')
  cluster.child.kill('SIGTERM')
  t.equal((await cluster.exit).code, 0)
  t.equal(cluster.lines.filter(msg(/^reload: worker \d+ ready; retiring worker \d+$/)).length, 1)
  t.notOk(cluster.lines.some(msg('reload: done')), 'the reload did not go on')
})
