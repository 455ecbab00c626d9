import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import production from '../../src/index.js'

// As fastify/demo does: the app wraps the shared plugin function with its own metadata, which mutates it.
async function appWithItsOwnUnderPressure (): Promise<ReturnType<typeof Fastify>> {
  const app = Fastify()
  app.decorate('db', { ping: async () => true })
  await app.register(fp(underPressure, { dependencies: [] }), { maxEventLoopDelay: 1000, exposeStatusRoute: '/status' })
  await app.register(production)
  app.get('/work', async () => ({ ok: true }))
  await app.ready()
  return app
}

t.test('an app that runs @fastify/under-pressure itself boots, twice in one process, with one load shedder', async (t) => {
  for (const round of [1, 2]) {
    const app = await appWithItsOwnUnderPressure()
    t.equal((await app.inject('/status')).statusCode, 200, `round ${round}: the app's status route`)
    t.equal((await app.inject('/health/ready')).statusCode, 200, `round ${round}: our probes`)
    t.equal(typeof (app as unknown as { memoryUsage: unknown }).memoryUsage, 'function', 'its decorators are the app\'s')
    t.equal(app.health.pressure.underPressure, false)
    await app.close()
  }
})

t.test('when the app\'s under-pressure sheds, liveness and /metrics still answer 200', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(underPressure, { healthCheck: async () => false, healthCheckInterval: 10 })
  await app.register(production)
  app.get('/work', async () => ({ ok: true }))
  await app.ready()
  const isUnderPressure = (app as unknown as { isUnderPressure: () => boolean }).isUnderPressure
  // under-pressure runs its first health check on its own timer: wait for that event's effect, bounded.
  for (let i = 0; i < 1000 && !isUnderPressure(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal((await app.inject('/work')).statusCode, 503, 'the app\'s shedder answers ordinary routes')
  t.equal((await app.inject('/health/live')).statusCode, 200, 'liveness is never shed')
  t.equal((await app.inject('/metrics')).statusCode, 200, 'metrics stay readable under pressure')
})
