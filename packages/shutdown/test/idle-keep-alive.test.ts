import t from 'tap'
import http from 'node:http'
import { once } from 'node:events'
import type { Socket } from 'node:net'
import { AppProcess, get } from './helpers/app-process.js'

t.test('an idle keep-alive client does not hold the exit', async (t) => {
  const app = await AppProcess.start({ options: { delay: 0, timeout: 20_000 } })
  t.teardown(() => { app.stop() })
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { agent.destroy() })

  const res = await get(app.port, '/fast', agent)
  t.equal(res.headers.connection, 'keep-alive')
  const [socket] = Object.values(agent.freeSockets).flat() as Socket[]
  t.ok(socket, 'the client holds an idle keep-alive socket')
  const serverClosedIt = once(socket as Socket, 'close')

  const signalled = app.signal('SIGTERM')
  const exit = await app.exited
  await serverClosedIt
  t.equal(exit.code, 0)
  // keepAliveTimeout is 72 s: an exit well before it means the idle socket was closed at once
  // (generous for a busy machine).
  t.ok(exit.at - signalled < 30_000, `exited ${Math.round(exit.at - signalled)} ms after SIGTERM, not after keepAliveTimeout`)
})
