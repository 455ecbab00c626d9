import t from 'tap'
import { AppProcess, get, waitForIncoming } from './helpers/app-process.js'

t.test('SIGTERM: a slow request in flight completes, then the process exits 0 at once', async (t) => {
  const app = await AppProcess.start({ options: { delay: 0, timeout: 10_000 } })
  t.teardown(() => { app.stop() })

  const answer = get(app.port, '/held')
  await waitForIncoming(app, '/held')
  app.signal('SIGTERM')
  // Held until the close has begun, so it is in flight at the close however slow the machine.
  await app.waitForLog(/^shutdown: closing/)
  app.release()
  const res = await answer
  const answeredAt = performance.now()
  const exit = await app.exited

  t.equal(res.status, 200)
  t.same(JSON.parse(res.body), { held: true })
  t.equal(res.headers.connection, 'close', 'the response tells the client not to reuse the socket')
  t.equal(exit.code, 0)
  t.ok(exit.at - answeredAt < 30_000, 'exit follows the last response without waiting for keepAliveTimeout (72 s)')
  t.match(app.log(/SIGTERM received/), { level: 30, signal: 'SIGTERM', delay: 0 })
  t.match(app.log(/^shutdown: closing/), { inFlight: 1 }, 'the request was still running when the close began')
  t.match(app.log(/exiting with code 0/), { exitCode: 0 })
})
