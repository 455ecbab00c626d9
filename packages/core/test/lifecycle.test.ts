import t from 'tap'
import Fastify from 'fastify'
import { findLifecycle, lifecycle, type LifecycleState } from '../src/index.js'

t.test('starting -> ready at ready() -> draining -> closing -> closed, each change announced once', async (t) => {
  const app = Fastify()
  const life = lifecycle(app)
  t.equal(lifecycle(app), life, 'one per app: the second package gets the same')
  t.equal(findLifecycle(app), life)
  const seen: Array<[LifecycleState, LifecycleState]> = []
  life.on((state, previous) => { seen.push([state, previous]) })
  t.equal(life.state, 'starting')
  await app.ready()
  t.equal(life.state, 'ready')
  life.drain()
  life.drain()
  t.equal(life.state, 'draining', 'drain is idempotent')
  await app.close()
  t.equal(life.state, 'closed')
  t.same(seen, [['ready', 'starting'], ['draining', 'ready'], ['closing', 'draining'], ['closed', 'closing']])
  life.drain()
  t.equal(life.state, 'closed', 'never goes back')
})

t.test('a hold keeps the app starting past onReady until every hold is released', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const life = lifecycle(app)
  const releaseA = life.hold('a')
  const releaseB = life.hold('b')
  const ready = life.whenReady()
  await app.ready()
  t.equal(life.state, 'starting')
  releaseA()
  releaseA()
  t.equal(life.state, 'starting', 'one hold left')
  releaseB()
  t.equal(life.state, 'ready')
  t.equal(await ready, true)
  t.equal(await life.whenReady(), true, 'already ready')
})

t.test('a drain before ready: whenReady resolves false; a listener can stop listening', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const life = lifecycle(app)
  life.hold('never')
  const changes: LifecycleState[] = []
  const off = life.on((state) => { changes.push(state) })
  const ready = life.whenReady()
  life.drain()
  t.equal(await ready, false)
  off()
  await app.close()
  t.same(changes, ['draining'])
  t.equal(await life.whenReady(), false, 'past ready without being ready')
})

t.test('no lifecycle until a package makes one', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  t.equal(findLifecycle(app), undefined)
})
