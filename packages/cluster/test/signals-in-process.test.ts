import t from 'tap'
import Fastify from 'fastify'
import { provide, ShutdownCap } from '@fastify-production/core'
import { handleSignals } from '../src/graceful.js'
import { createLog } from '../src/log.js'
import { resolveOptions } from '../src/options.js'
import { Primary } from '../src/primary.js'
import { deferred } from '../src/deferred.js'

// process.emit runs the listeners as a delivered signal would, without signalling the test runner.
const raise = (signal: NodeJS.Signals): boolean => process.emit(signal as 'SIGTERM', signal)

t.test('app without a shutdown plugin: the first signal closes it and exits 0, a second exits 1 at once', async (t) => {
  const app = Fastify()
  await app.listen({ port: 0, host: '127.0.0.1' })
  const exits: number[] = []
  const closed = deferred<void>()
  const guard = handleSignals(app, 1000, createLog('silent'), (code) => { exits.push(code); if (code === 0) closed.resolve() })
  t.teardown(() => guard.uninstall())
  t.equal(guard.signalled, false)
  raise('SIGTERM')
  t.equal(guard.signalled, true)
  raise('SIGINT')
  t.same(exits, [1], 'the second signal exits 1 without waiting')
  await closed.promise
  t.same(exits, [1, 0], 'the first one still finished closing')
  t.equal(app.server.listening, false)
})

t.test('app with the shutdown plugin (found by its capability): signals are only noted', async (t) => {
  const app = Fastify()
  provide(app, ShutdownCap, { trigger () { t.fail('the plugin handles its own signals') } }, 'test')
  await app.ready()
  t.teardown(() => app.close())
  const exits: number[] = []
  const guard = handleSignals(app, 1000, createLog('silent'), (code) => { exits.push(code) })
  t.teardown(() => guard.uninstall())
  raise('SIGTERM')
  raise('SIGTERM')
  t.equal(guard.signalled, true)
  t.same(exits, [])
})

t.test('a `shutdown` decorator of another plugin is not ours: the cluster drains and closes itself', async (t) => {
  const app = Fastify()
  app.decorate('shutdown', { state: 'running' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const closed = deferred<number>()
  const guard = handleSignals(app, 1000, createLog('silent'), (code) => { closed.resolve(code) })
  t.teardown(() => guard.uninstall())
  raise('SIGTERM')
  t.equal(await closed.promise, 0)
  t.equal(app.server.listening, false)
})

t.test('the worker\'s listeners are noted process-wide as the suite\'s own, so the shutdown plugin does not refuse them', async (t) => {
  const ours = (): Set<unknown> | undefined => (globalThis as unknown as Record<symbol, Set<unknown> | undefined>)[Symbol.for('fastify-production.process-listeners')]
  const app = Fastify()
  const before = process.listeners('SIGTERM')
  const guard = handleSignals(app, 1000, createLog('silent'), () => {})
  const added = process.listeners('SIGTERM').filter((l) => !before.includes(l))
  t.equal(added.length, 1)
  t.ok(ours()?.has(added[0]), 'noted while installed')
  guard.uninstall()
  t.notOk(ours()?.has(added[0]), 'and forgotten once removed')
  t.equal(process.listenerCount('SIGTERM'), before.length)
})

function idlePrimary (exits: number[]): Primary {
  // workers: 0 is not a valid option; here it gives a primary with its signals and no fork.
  return new Primary({ ...resolveOptions({}, {}), workers: 0 }, createLog('silent'), (code) => { exits.push(code) })
}

t.test('the primary takes a signal delivered twice at once as one', async (t) => {
  const exits: number[] = []
  const primary = idlePrimary(exits)
  await primary.start()
  const before = process.listenerCount('SIGTERM')
  raise('SIGTERM')
  raise('SIGTERM')
  t.equal(await primary.close(), 0, 'the same stop')
  t.same(exits, [0])
  t.equal(process.listenerCount('SIGTERM'), before - 1, 'listeners removed once stopped')
  t.equal(primary.alive, 0)
  t.equal(primary.restarts, 0)
})

t.test('a signal while the primary is already stopping forces exit 1', async (t) => {
  const exits: number[] = []
  const primary = idlePrimary(exits)
  await primary.start()
  const closing = primary.close()
  raise('SIGINT')
  t.same(exits, [1])
  t.equal(await closing, 0)
})
