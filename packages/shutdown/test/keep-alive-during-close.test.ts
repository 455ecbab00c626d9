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

  const answer = get(app.port, '/slow/800', agent)
  await waitForIncoming(app, '/slow/800')
  app.signal('SIGTERM')
  await app.waitForLog(/^shutdown: closing/)
  const res = await answer

  t.ok(res.reusedSocket, 'the request went over the kept-alive socket')
  t.equal(res.status, 200)
  t.same(JSON.parse(res.body), { slept: 800 }, 'the whole body arrived')
  t.equal(res.headers.connection, 'close')
  t.equal((await app.exited).code, 0)
})
