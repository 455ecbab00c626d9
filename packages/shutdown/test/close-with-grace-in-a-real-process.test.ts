import t from 'tap'
import { AppProcess } from './helpers/app-process.js'

t.test('close-with-grace installed before the app starts: the boot is refused with one coded error', async (t) => {
  const app = AppProcess.spawn({ options: { delay: 0 }, closeWithGrace: 'before' })
  t.teardown(() => { app.stop() })
  const exit = await app.exited
  t.equal(exit.code, 1)
  const refused = app.log(/^fixture: the app did not start/)
  t.match(refused, { level: 60, err: { code: 'FP_ERR_SHUTDOWN_SIGNAL_TAKEN', message: /handles SIGTERM \(function onSignal\)/ } })
  t.notOk(app.log(/^Server listening/), 'it never listened')
})

t.test('close-with-grace installed after ready, real SIGTERM: one error line names it; it closes at once, cutting our 20 s drain short', async (t) => {
  const app = await AppProcess.start({ options: { delay: 20_000, timeout: 25_000 }, closeWithGrace: 'after', health: true })
  t.teardown(() => { app.stop() })
  const signalledAt = performance.now()
  app.signal('SIGTERM')
  const exit = await app.exited
  t.equal(exit.code, 0, 'close-with-grace exited')
  t.match(app.log(/^shutdown: another listener also handles SIGTERM/), {
    level: 50,
    signal: 'SIGTERM',
    listeners: 'SIGTERM (function onSignal)',
    msg: /installed after ready; it may close the app or exit before the drain ends: remove it and use fastify\.shutdown\.addHook/
  })
  t.ok(app.log(/^close-with-grace: closing the app/), 'close-with-grace closed the app at once')
  // Our sequence sees the close (preClose) and stops waiting out its delay: the process ends in
  // about the time close() takes, not 20 s; whoever exits first, the code is 0.
  const exiting = app.log(/^shutdown: exiting/)
  if (exiting !== undefined) t.match(exiting, { exitCode: 0 }, 'our sequence, cut short, exits 0 too')
  const elapsed = Math.round(exit.at - signalledAt)
  t.ok(elapsed < 20_000, `ended in ${elapsed} ms, not after the 20 s delay`)
})
