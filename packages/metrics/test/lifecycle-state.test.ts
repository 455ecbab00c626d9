import t from 'tap'
import Fastify from 'fastify'
import { lifecycle } from '@fastify-production/core'
import metrics from '../src/index.js'
import { parseExposition } from './exposition.js'

const STATES = ['starting', 'ready', 'draining', 'closing', 'closed']

async function states (registry: { metrics: () => Promise<string> }): Promise<Record<'starting' | 'ready' | 'draining' | 'closing' | 'closed', number>> {
  const exposition = parseExposition(await registry.metrics())
  return Object.fromEntries(STATES.map((state) => [state, exposition.sum('app_lifecycle_state', { state })])) as Record<'starting' | 'ready' | 'draining' | 'closing' | 'closed', number>
}

t.test('app_lifecycle_state follows the lifecycle core owns: 1 for the current state, 0 for the others', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  const registry = app.metrics.registry
  t.same(await states(registry), { starting: 1, ready: 0, draining: 0, closing: 0, closed: 0 })
  const release = lifecycle(app).hold('test')
  await app.ready()
  t.same(await states(registry), { starting: 1, ready: 0, draining: 0, closing: 0, closed: 0 }, 'held past onReady')
  release()
  t.same(await states(registry), { starting: 0, ready: 1, draining: 0, closing: 0, closed: 0 })
  lifecycle(app).drain()
  const scrape = await app.inject('/metrics')
  t.equal(parseExposition(scrape.body).sum('app_lifecycle_state', { state: 'draining' }), 1, 'in a real scrape')
  await app.close()
  const after = await states(registry)
  t.equal(after.draining, 0)
  t.equal(after.closing + after.closed, 1, 'closing or closed, whichever the gauge saw last before it stopped listening')
})
