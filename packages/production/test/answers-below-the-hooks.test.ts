import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { connect } from 'node:net'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { logCapture } from '@fastify-production/test-support'
import production, { serverOptions } from '../src/index.js'

async function listening (t: Test, setup: (app: FastifyInstance) => void): Promise<{ port: number, logs: ReturnType<typeof logCapture> }> {
  const logs = logCapture()
  const app = Fastify(serverOptions({ logger: { level: 'info', stream: logs.stream } }))
  await app.register(production)
  setup(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  return { port: (app.server.address() as AddressInfo).port, logs }
}

/** Sends raw bytes on a real socket and returns all the server wrote before closing. */
async function raw (port: number, request: string): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.end(request)
  let answer = ''
  socket.setEncoding('latin1')
  socket.on('data', (chunk: string) => { answer += chunk })
  await once(socket, 'close')
  return answer
}

t.test('a request without Host (HTTP/1.1): Node\'s own 400 carries the security headers', async (t) => {
  const { port } = await listening(t, () => {})
  const answer = await raw(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 400 /)
  t.match(answer, /x-frame-options: DENY/i)
  t.match(answer, /x-content-type-options: nosniff/i)
  t.match(answer, /cache-control: no-store/i)
})

t.test('an onSend hook that throws: the client gets the generic 500 problem with security headers, never the message', async (t) => {
  const { port, logs } = await listening(t, (app) => {
    app.get('/leaky', {
      onSend: async () => { throw new Error('onSend failed: password=hunter2 host 10.4.4.4') }
    }, async () => ({ ok: true }))
  })
  const answer = await raw(port, 'GET /leaky HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
  t.match(answer, /^HTTP\/1\.1 500 /)
  t.match(answer, /content-type: application\/problem\+json/i)
  t.match(answer, /x-content-type-options: nosniff/i, 'the security headers survive')
  t.notMatch(answer, /hunter2|10\.4\.4\.4/, 'no internals reach the client')
  t.ok(logs.lines.some((l) => l.level === 50 && /hunter2/.test(JSON.stringify(l.err))), 'the full error is in the log at error')
})
