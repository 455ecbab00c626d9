import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { freePort } from '@fastify-production/test-support/free-port'
import { start } from '../src/index.js'
import { msg, runCluster } from './helpers/cluster-process.js'

function captureStdout (t: Test): string[] {
  const lines: string[] = []
  const write = process.stdout.write
  process.stdout.write = ((chunk: string) => { lines.push(chunk); return true }) as typeof process.stdout.write
  t.teardown(() => { process.stdout.write = write })
  return lines
}

t.test('workers: 1 runs the app in this process: listening, reload() only warns, close() drains and closes', async (t) => {
  const port = await freePort()
  const out = captureStdout(t)
  const app = Fastify()
  app.get('/', async () => ({ pid: process.pid }))
  const handle = await start(async () => app, { workers: 1, port })
  t.equal(handle.role, 'single')
  t.equal(handle.app, app)
  const res = await fetch(`http://127.0.0.1:${port}/`)
  t.same(await res.json(), { pid: process.pid })
  await handle.reload()
  t.match(out.join(''), /reload\(\) needs workers > 1/)
  const listeners = process.listenerCount('SIGTERM')
  t.equal(await handle.close(), 0)
  t.equal(process.listenerCount('SIGTERM'), listeners - 1, 'its SIGTERM listener is removed')
  t.equal(app.server.listening, false)
})

t.test('WEB_CONCURRENCY=1 means in-process too', async (t) => {
  const port = await freePort()
  captureStdout(t)
  const before = process.env.WEB_CONCURRENCY
  process.env.WEB_CONCURRENCY = '1'
  t.teardown(() => { if (before === undefined) delete process.env.WEB_CONCURRENCY; else process.env.WEB_CONCURRENCY = before })
  const handle = await start(() => Fastify(), { port, logLevel: 'silent' })
  t.equal(handle.role, 'single')
  t.equal(await handle.close(), 0)
})

t.test('a close() whose onClose hook throws resolves 1', async (t) => {
  const port = await freePort()
  const out = captureStdout(t)
  const app = Fastify()
  app.addHook('onClose', async () => { throw new Error('pool.end failed') })
  const handle = await start(() => app, { workers: 1, port })
  t.equal(await handle.close(), 1)
  t.match(out.join(''), /"msg":"app.close\(\) failed"/)
})

t.test('a port already taken: start() rejects, the app is closed and no listener stays', async (t) => {
  const port = await freePort()
  captureStdout(t)
  const holder = Fastify()
  await holder.listen({ port, host: '127.0.0.1' })
  t.teardown(() => holder.close())
  const app = Fastify()
  const listeners = process.listenerCount('SIGTERM')
  await t.rejects(start(() => app, { workers: 1, port }), { code: 'EADDRINUSE' })
  t.equal(process.listenerCount('SIGTERM'), listeners)
})

t.test('build() that returns no Fastify app fails with FP_ERR_CLUSTER_BUILD', async (t) => {
  for (const value of [undefined, null, { listen: () => {} }, 'app']) {
    await t.rejects(start(() => value as never, { workers: 1 }), { code: 'FP_ERR_CLUSTER_BUILD' })
  }
})

t.test('in-process under a real SIGTERM: drains the in-flight request, exits 0', { timeout: 60_000 }, async (t) => {
  const port = await freePort()
  const proc = runCluster(t, { workers: 1, port })
  await proc.waitFor(msg('fixture: started'), 'started')
  const slow = fetch(`http://127.0.0.1:${port}/slow?ms=600`)
  await proc.waitFor(msg('slow: started'), 'slow request started')
  proc.child.kill('SIGTERM')
  t.equal((await slow).status, 200)
  t.equal((await proc.exit).code, 0)
  t.ok(proc.lines.some(msg('app closed; exiting with code 0')))
})

t.test('in-process, a second SIGTERM during the drain exits 1 at once', { timeout: 60_000 }, async (t) => {
  const port = await freePort()
  const proc = runCluster(t, { workers: 1, port })
  await proc.waitFor(msg('fixture: started'), 'started')
  const slow = fetch(`http://127.0.0.1:${port}/slow?ms=10000`).then(() => 'answered', () => 'failed')
  await proc.waitFor(msg('slow: started'), 'slow request started')
  proc.child.kill('SIGTERM')
  await proc.waitFor(msg(/^SIGTERM: draining connections/), 'draining')
  proc.child.kill('SIGTERM')
  t.equal((await proc.exit).code, 1)
  t.ok(proc.lines.some(msg('second SIGTERM: exiting now')))
  t.equal(await slow, 'failed')
})

t.test('in-process with a shutdown plugin: our listener stays out of its way, a second signal too', { timeout: 60_000 }, async (t) => {
  const port = await freePort()
  const proc = runCluster(t, { workers: 1, port }, { FIXTURE_SHUTDOWN: 'ignore' })
  await proc.waitFor(msg('fixture: started'), 'started')
  proc.child.kill('SIGTERM')
  await proc.waitFor(msg('fixture shutdown: SIGTERM'), 'plugin saw it')
  proc.child.kill('SIGTERM')
  await proc.waitFor((l) => l.msg === 'fixture shutdown: SIGTERM' && proc.lines.filter(msg('fixture shutdown: SIGTERM')).length === 2, 'plugin saw the second')
  t.equal(proc.lines.filter(msg(/draining connections|exiting now/)).length, 0)
  proc.child.kill('SIGKILL')
})
