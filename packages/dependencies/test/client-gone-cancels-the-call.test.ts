import t from 'tap'
import { request as httpRequest } from 'node:http'
import Fastify from 'fastify'
import { startUpstream, upstreamAnswers } from '@fastify-production/test-support'
import dependencies, { httpDependency } from '../src/index.js'

t.test('a client that goes away cancels its outbound call: the upstream request is aborted, not retried', async (t) => {
  const upstream = await startUpstream(upstreamAnswers.hang())
  t.teardown(() => upstream.close())
  const shipping = httpDependency({ url: upstream.url, timeout: 10_000, deadline: 20_000 })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(dependencies, { shipping })
  let outcome!: (err: unknown) => void
  const failed = new Promise<unknown>((resolve) => { outcome = resolve })
  let upstreamClosed!: () => void
  const aborted = new Promise<void>((resolve) => { upstreamClosed = resolve })
  upstream.handle = (req) => { req.on('close', upstreamClosed) }
  app.get('/quote', async (request) => {
    try {
      return await shipping.request('/quote', { request })
    } catch (err) {
      outcome(err)
      throw err
    }
  })
  let arrived!: () => void
  const lateArrived = new Promise<void>((resolve) => { arrived = resolve })
  app.get('/late', async (request) => {
    // The client is gone before the call starts: no attempt at all.
    // Not events.once: the request emits 'error' (aborted) before 'close', and once() would reject on it.
    const closed = new Promise((resolve) => { request.raw.on('close', resolve) })
    arrived()
    await closed
    try {
      return await shipping.request('/late', { request })
    } catch (err) {
      outcome(err)
      throw err
    }
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  const client = httpRequest(`http://127.0.0.1:${port}/quote`)
  client.on('error', () => {})
  client.end()
  await upstream.received(1)
  client.destroy()
  await aborted
  t.match(await failed, { code: 'FP_ERR_DEPENDENCIES_ABORTED', message: /the client closed the connection/ })
  t.equal(upstream.hits, 1, 'one attempt, not retried')

  const next = new Promise<unknown>((resolve) => { outcome = resolve })
  const late = httpRequest(`http://127.0.0.1:${port}/late`)
  late.on('error', () => {})
  late.end()
  await lateArrived
  late.destroy()
  t.match(await next, { code: 'FP_ERR_DEPENDENCIES_ABORTED' })
  t.equal(upstream.hits, 1, 'nothing sent upstream')
})
