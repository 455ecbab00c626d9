import t from 'tap'
import Fastify from 'fastify'
import { Agent } from 'node:http'
import health from '../src/index.js'
import { get } from './probe-client.js'

t.test('the probe listener answers `closing` while close runs, and is gone after it', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(health, { port: 0 })
  let duringClose: [number, string] | undefined
  app.addHook('preClose', async () => {
    const res = await get(app.health.address?.port as number, '/health/ready')
    duringClose = [res.status, JSON.parse(res.body).status]
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = app.health.address?.port as number
  await app.close()
  t.same(duringClose, [503, 'closing'], 'readiness while closing, on the probe port')
  t.equal(app.health.address, null)
  await t.rejects(get(port, '/health/live'), { code: 'ECONNREFUSED' }, 'connection refused after close')
})

t.test('a kept-alive probe connection and a probe waiting on a check do not hold close', async (t) => {
  const app = Fastify()
  let entered: () => void = () => {}
  const inCheck = new Promise<void>((resolve) => { entered = resolve })
  let hang = false
  const db = async (): Promise<void> => {
    if (!hang) return
    entered()
    await new Promise(() => {}) // never settles: only close ends it
  }
  await app.register(health, { port: 0, cacheMs: 0, checks: { db: { timeout: 600_000, check: db } } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = app.health.address?.port as number
  const agent = new Agent({ keepAlive: true })
  t.teardown(() => { agent.destroy() })
  t.equal((await get(port, '/health/live', { agent })).status, 200)
  t.equal(Object.values(agent.freeSockets).flat().length, 1, 'a kept-alive connection is open')

  hang = true
  const waiting = get(port, '/health/ready').then((res) => res.status, (err: NodeJS.ErrnoException) => err.code)
  await inCheck
  await app.close()
  t.pass('close returned')
  t.ok([503, 'ECONNRESET'].includes(await waiting as number | string), 'the waiting probe ended with the app')
})
