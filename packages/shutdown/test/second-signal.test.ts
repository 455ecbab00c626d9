import t from 'tap'
import { AppProcess } from './helpers/app-process.js'

t.test('a second signal during the sequence exits 1 at once', async (t) => {
  const app = await AppProcess.start({ options: { delay: 60_000, timeout: 120_000 } })
  t.teardown(() => { app.stop() })

  app.signal('SIGTERM')
  await app.waitForLog(/SIGTERM received/)
  const second = app.signal('SIGINT')
  const exit = await app.exited

  t.equal(exit.code, 1)
  t.ok(exit.at - second < 30_000, 'without waiting for the 60 s delay')
  t.match(app.log(/second SIGINT received, exiting now/), { level: 50, signal: 'SIGINT' })
  t.notOk(app.log(/^shutdown: closing/), 'the close never started')
})
