import t from 'tap'
import http from 'node:http'
import { AppProcess, get, waitForIncoming } from './helpers/app-process.js'

t.test('during delay the app keeps serving with readiness 503; after it new connections are refused', async (t) => {
  const app = await AppProcess.start({ options: { delay: 3000, timeout: 20_000 }, health: true })
  t.teardown(() => { app.stop() })
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { agent.destroy() })

  t.equal((await get(app.port, '/ready')).status, 200, 'ready before the signal')
  t.equal((await get(app.port, '/fast', agent)).headers.connection, 'keep-alive', 'keep-alive before the signal')

  // Held across the close (released below) so the process is still alive after the delay.
  const held = get(app.port, '/held')
  await waitForIncoming(app, '/held')
  const signalled = app.signal('SIGTERM')
  await app.waitForLog(/SIGTERM received/)
  t.ok(await app.waitForLog(/^lifecycle: draining$/), 'the app\'s lifecycle drained')

  const during = await get(app.port, '/fast')
  t.equal(during.status, 200, 'a new connection during the delay is answered 200')
  t.equal((await get(app.port, '/ready')).status, 503, 'readiness is 503 during the delay')
  const kept = await get(app.port, '/fast', agent)
  t.equal(kept.status, 200, 'a kept-alive client is still served during the delay')
  t.ok(kept.reusedSocket, 'on its existing socket')
  t.equal(kept.headers.connection, 'close', 'and told to reconnect, so it leaves before the close')
  t.notOk(app.log(/^shutdown: closing/), 'all of that happened before the close started')

  await app.waitForLog(/^shutdown: closing/)
  t.ok(performance.now() - signalled >= 2900, 'the close started after the delay')
  // The listening socket closes a moment after that line; a connection caught in between is reset.
  // Either way none is served, and soon they are refused outright.
  const codes: string[] = []
  while (codes.at(-1) !== 'ECONNREFUSED' && codes.length < 100) {
    codes.push(await get(app.port, '/fast').then((res) => `served ${res.status}`, (err: NodeJS.ErrnoException) => String(err.code)))
  }
  t.equal(codes.at(-1), 'ECONNREFUSED', 'after the delay new connections are refused')
  t.same(codes.filter((c) => c !== 'ECONNREFUSED' && c !== 'ECONNRESET'), [], 'and none is served')
  t.equal(app.child.exitCode, null, 'while the process is still finishing the held request')

  app.release()
  const res = await held
  t.equal(res.status, 200, 'the request in flight across the whole sequence completed')
  t.equal((await app.exited).code, 0)
})
