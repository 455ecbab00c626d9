import t from 'tap'
import Fastify from 'fastify'
import health from '../src/index.js'

function timers (): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
}

t.test('building and closing the app 20 times leaves no timer behind', async (t) => {
  const before = timers()
  for (let i = 0; i < 20; i++) {
    const app = Fastify()
    await app.register(health, { sampleInterval: 10, checks: { db: { check: () => false, timeout: 50 } } })
    await app.ready()
    t.equal(app.health.state, 'starting', 'a failing check leaves a startup retry pending')
    await app.close()
    t.equal(app.health.state, 'closed')
  }
  t.equal(timers(), before)
})
