import t from 'tap'
import http from 'node:http'
import { AppProcess, get, waitForIncoming } from './helpers/app-process.js'

t.test('a request on a kept-alive socket during the close completes with Connection: close, no reset', async (t) => {
  const app = await AppProcess.start({ options: { delay: 0, timeout: 10_000 } })
  t.teardown(() => { app.stop() })
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { agent.destroy() })

  const first = await get(app.port, '/fast', agent)
  t.equal(first.headers.connection, 'keep-alive')

  const answer = get(app.port, '/held', agent)
  await waitForIncoming(app, '/held')
  app.signal('SIGTERM')
  await app.waitForLog(/^shutdown: closing/)
  // Answered only once the close has begun, however slow the machine.
  app.release()
  const res = await answer

  t.ok(res.reusedSocket, 'the request went over the kept-alive socket')
  t.equal(res.status, 200)
  t.same(JSON.parse(res.body), { held: true }, 'the whole body arrived')
  t.equal(res.headers.connection, 'close')
  t.equal((await app.exited).code, 0)
})
