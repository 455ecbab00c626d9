import t from 'tap'
import { createServer, request as httpRequest, Agent } from 'node:http'
import createFastifyError from '@fastify/error'
import { closeListener, listen } from '../src/index.js'

const LISTEN_FAILED = createFastifyError('FP_ERR_TEST_LISTEN', 'cannot listen on %s: %s', 500)

function get (port: number, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve(body) })
    })
    req.on('error', reject)
    req.end()
  })
}

t.test('listen resolves with the bound address; closeListener ends a kept-alive connection at once', async (t) => {
  const server = createServer((_req, res) => { res.end('ok') })
  t.teardown(() => closeListener(server))
  const bound = await listen(server, 0, '127.0.0.1', LISTEN_FAILED)
  t.equal(bound.address, '127.0.0.1')
  t.ok(bound.port > 0, 'port 0 took a free port')
  t.equal(server.listenerCount('error'), 0, 'no error listener is left behind')

  const agent = new Agent({ keepAlive: true })
  t.teardown(() => { agent.destroy() })
  t.equal(await get(bound.port, agent), 'ok')
  t.equal(Object.values(agent.freeSockets).flat().length, 1, 'the connection is kept alive, idle')
  // server.close() alone would wait for that connection; its callback runs once every connection is gone.
  await closeListener(server)
  t.equal(server.listening, false)
  await t.rejects(get(bound.port, new Agent()), { code: 'ECONNREFUSED' })
})

t.test('closeListener ends a request in flight instead of waiting for it', async (t) => {
  let arrived: () => void = () => {}
  const inHandler = new Promise<void>((resolve) => { arrived = resolve })
  const server = createServer(() => { arrived() }) // never answers
  const { port } = await listen(server, 0, '127.0.0.1', LISTEN_FAILED)
  const pending = get(port, new Agent())
  await inHandler
  await closeListener(server)
  await t.rejects(pending, { code: 'ECONNRESET' }, 'the client sees its connection end')
})

t.test('listen rejects with the package\'s error naming where, the listen error as its cause, and leaves nothing bound', async (t) => {
  const taken = createServer()
  const { port } = await listen(taken, 0, '127.0.0.1', LISTEN_FAILED)
  t.teardown(() => closeListener(taken))
  const server = createServer()
  await t.rejects(listen(server, port, '127.0.0.1', LISTEN_FAILED), {
    code: 'FP_ERR_TEST_LISTEN',
    message: new RegExp(`^cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`),
    cause: { code: 'EADDRINUSE' }
  })
  t.equal(server.listening, false)
  await closeListener(server)
  t.pass('closing a listener that never listened resolves')
})
