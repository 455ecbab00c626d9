import t, { type Test } from 'tap'
import { createServer, request as httpRequest, Agent, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { drain } from '../src/index.js'

function get (port: number, agent: Agent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ port, host: '127.0.0.1', agent, path: '/' }, (res) => {
      res.resume()
      res.on('end', () => { resolve(res) })
    })
    req.on('error', reject)
    req.end()
  })
}

async function server (t: Test): Promise<{ srv: ReturnType<typeof createServer>, port: number }> {
  const srv = createServer((_req, res) => { res.end('ok') })
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  t.teardown(() => { srv.closeAllConnections(); srv.close() })
  return { srv, port: (srv.address() as AddressInfo).port }
}

t.test('no new connections; a keep-alive request gets Connection: close; resolves once the last connection ends', async (t) => {
  const { srv, port } = await server(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { agent.destroy() })
  const first = await get(port, agent)
  t.equal(first.headers.connection, 'keep-alive')
  const drained = drain(srv, 60_000)
  t.equal(drain(srv, 60_000), drained, 'a second call joins the first')
  const last = await get(port, agent)
  t.equal(last.headers.connection, 'close', 'the open connection is asked to close at a response boundary')
  await drained
  t.equal(srv.listening, false)
  await t.rejects(get(port, new Agent()), { code: 'ECONNREFUSED' })
})

t.test('an idle connection that never sends again: resolves at the timeout', async (t) => {
  const { srv, port } = await server(t)
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { agent.destroy() })
  await get(port, agent)
  await drain(srv, 50)
  t.pass('resolved with the idle connection still open')
})
