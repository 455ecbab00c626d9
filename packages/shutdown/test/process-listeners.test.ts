import t from 'tap'
import Fastify from 'fastify'
import shutdown from '../src/index.js'

const EVENTS = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const
const counts = (): number[] => EVENTS.map((event) => process.listenerCount(event))
// The process-wide note of the suite's own listeners (so one app's are not foreign to another).
const ours = (): number => (globalThis as unknown as Record<symbol, Set<unknown> | undefined>)[Symbol.for('fastify-production.process-listeners')]?.size ?? 0
const handles = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').sort()

t.test('20 build/close cycles in one process: listeners installed once per app, removed on close, no leak warning', async (t) => {
  const warnings: Error[] = []
  const onWarning = (warning: Error): void => { warnings.push(warning) }
  process.on('warning', onWarning)
  t.teardown(() => { process.off('warning', onWarning) })
  const baseline = counts()
  const baseHandles = handles()

  for (let i = 0; i < 20; i++) {
    const app = Fastify()
    await app.register(shutdown)
    t.same(counts(), baseline, 'nothing installed before ready')
    await app.ready()
    t.same(counts(), baseline.map((n) => n + 1), 'one listener per event while the app runs')
    await app.close()
    t.same(counts(), baseline, 'all removed on close')
  }
  t.equal(ours(), 0, 'none left in the process-wide note of our own listeners')
  // Warnings are emitted on a later tick.
  await new Promise((resolve) => { setImmediate(resolve) })
  t.same(warnings.filter((w) => w.name === 'MaxListenersExceededWarning'), [])
  t.same(handles(), baseHandles, 'no timer, socket or other handle left behind')
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
