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

t.test('close-with-grace installed after ready, real SIGTERM: one error line names it; it closes at once and our drain never happens', async (t) => {
  const app = await AppProcess.start({ options: { delay: 20_000, timeout: 25_000 }, closeWithGrace: 'after', health: true })
  t.teardown(() => { app.stop() })
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
  t.notOk(app.log(/^shutdown: closing/), 'the 20 s drain never got to its close')
  t.notOk(app.log(/^shutdown: exiting/), 'nor to its exit')
})
