import t from 'tap'
import { AppProcess, get } from './helpers/app-process.js'

t.test('unhandledRejection (default \'exit\'): fatal line with the stack, exit 1', async (t) => {
  const app = await AppProcess.start({ options: { delay: 60_000, timeout: 120_000 } })
  t.teardown(() => { app.stop() })

  const rejectedAt = performance.now()
  await get(app.port, '/reject').catch(() => undefined)
  const exit = await app.exited
  t.equal(exit.code, 1)
  t.ok(exit.at - rejectedAt < 30_000, 'the 60 s delay was skipped')
  t.match(app.log(/^shutdown: unhandled rejection/), { level: 60, err: { message: 'rejected from /reject', stack: /at / } })
})

t.test('unhandledRejection: \'log\' logs it and keeps serving', async (t) => {
  const app = await AppProcess.start({ options: { delay: 0, unhandledRejection: 'log' } })
  t.teardown(() => { app.stop() })

  t.equal((await get(app.port, '/reject')).status, 200)
  await app.waitForLog(/^shutdown: unhandled rejection/)
  t.equal((await get(app.port, '/fast')).status, 200, 'still serving after the rejection')
  t.match(app.log(/^shutdown: unhandled rejection/), { level: 50, err: { message: 'rejected from /reject' } })

  app.signal('SIGTERM')
  t.equal((await app.exited).code, 0, 'and shuts down cleanly later')
})
