import t from 'tap'
import { AppProcess, get, waitForIncoming } from './helpers/app-process.js'

t.test('uncaughtException: fatal line with the stack, graceful close with no delay, exit 1', async (t) => {
  const app = await AppProcess.start({ options: { delay: 60_000, timeout: 120_000 } })
  t.teardown(() => { app.stop() })

  const slow = get(app.port, '/held')
  await waitForIncoming(app, '/held')
  const crashedAt = performance.now()
  t.equal((await get(app.port, '/crash')).status, 200)
  // Held until the close has begun, so it is in flight at the crash however slow the machine.
  await app.waitForLog(/^shutdown: closing/)
  app.release()

  const res = await slow
  const exit = await app.exited
  t.equal(res.status, 200, 'the request in flight at the crash still completed')
  t.equal(res.headers.connection, 'close')
  t.equal(exit.code, 1)
  t.ok(exit.at - crashedAt < 30_000, 'the 60 s delay was skipped')
  const fatal = app.log(/^shutdown: uncaught exception/)
  t.match(fatal, { level: 60, err: { message: 'boom from /crash', stack: /Error: boom from \/crash\n\s+at / } })
})
