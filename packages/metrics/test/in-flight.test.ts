import t from 'tap'
import Fastify from 'fastify'
import { connect } from 'node:net'
import { once } from 'node:events'
import metrics from '../src/index.js'
import { parseExposition } from './exposition.js'

t.test('requests in flight: counted while running, released when answered or aborted', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { defaultMetrics: false })
  const arrived: Array<() => void> = []
  let release: (() => void) | undefined
  app.get('/slow', (request, reply) => {
    release = () => { reply.send('late') }
    arrived.shift()?.()
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const inFlight = async (): Promise<number> => parseExposition((await app.inject('/metrics')).body).sum('http_requests_in_flight')

  t.equal(await inFlight(), 1, 'the scrape itself is in flight')

  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const reached = new Promise<void>((resolve) => { arrived.push(resolve) })
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
  await reached
  t.equal(await inFlight(), 2, 'a held request counts')

  // The client goes away before the answer: onResponse never runs for it, the gauge must still drop.
  socket.destroy()
  await once(socket, 'close')
  while (await inFlight() !== 1) await new Promise(setImmediate)
  t.pass('an aborted request is released')
  release?.()

  const response = await app.inject('/nope')
  t.equal(response.statusCode, 404)
  t.equal(await inFlight(), 1, 'answered requests are released')
})
