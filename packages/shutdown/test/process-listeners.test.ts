import t from 'tap'
import Fastify from 'fastify'
import shutdown from '../src/index.js'

const EVENTS = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const
const counts = (): number[] => EVENTS.map((event) => process.listenerCount(event))

t.test('20 build/close cycles in one process: listeners installed once per app, removed on close, no leak warning', async (t) => {
  const warnings: Error[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  const baseline = counts()

  for (let i = 0; i < 20; i++) {
    const app = Fastify()
    await app.register(shutdown)
    t.same(counts(), baseline, 'nothing installed before ready')
    await app.ready()
    t.same(counts(), baseline.map((n) => n + 1), 'one listener per event while the app runs')
    await app.close()
    t.same(counts(), baseline, 'all removed on close')
  }
  // Warnings are emitted on a later tick.
  await new Promise((resolve) => { setImmediate(resolve) })
  t.same(warnings.filter((w) => w.name === 'MaxListenersExceededWarning'), [])
})

t.test('apps alive at the same time each have their own listeners', async (t) => {
  const baseline = counts()
  const apps = [Fastify(), Fastify(), Fastify()]
  for (const app of apps) {
    await app.register(shutdown)
    await app.ready()
  }
  t.same(counts(), baseline.map((n) => n + 3))
  for (const app of apps) await app.close()
  t.same(counts(), baseline)
})

t.test('an app closed before ready installs nothing and removes nothing of others', async (t) => {
  const baseline = counts()
  const app = Fastify()
  await app.register(shutdown)
  await app.close()
  t.same(counts(), baseline)
})
