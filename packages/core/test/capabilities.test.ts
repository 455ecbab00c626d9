import t from 'tap'
import Fastify from 'fastify'
import { defineCapability, find, provide, MetricsCap } from '../src/index.js'

const Thing = defineCapability<{ value: number }>('test.thing')

t.test('a capability is found in its context and its children, and is absent elsewhere', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  t.equal(find(app, Thing), undefined, 'absent before anyone provides it')
  provide(app, Thing, { value: 1 }, 'test-thing')
  t.same(find(app, Thing), { value: 1 })
  await app.register(async (child) => { t.same(find(child, Thing), { value: 1 }, 'a child context sees it') })
  await app.ready()

  const other = Fastify()
  t.teardown(() => other.close())
  t.equal(find(other, Thing), undefined, 'another app does not')
})

t.test('two copies of one package agree on the key; another plugin\'s `metrics` decorator does not collide', async (t) => {
  t.equal(defineCapability('metrics').key, MetricsCap.key)
  const app = Fastify()
  t.teardown(() => app.close())
  app.decorate('metrics', { counter: 'not a function' })
  t.equal(find(app, MetricsCap), undefined, 'a plugin that decorated `metrics` is not taken for ours')
  const mine = { counter: () => ({ inc: () => {} }), histogram: () => ({ observe: () => {} }), gauge: () => ({ set: () => {} }), metricsAsJson: async () => [] }
  provide(app, MetricsCap, mine, '@fastify-production/metrics')
  t.equal(find(app, MetricsCap), mine)
  t.equal((app as unknown as { metrics: unknown }).metrics instanceof Object, true, 'the other plugin keeps its decorator')
})

t.test('providing twice in one context fails with FP_ERR_CORE_CAPABILITY_TAKEN naming the package', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  provide(app, Thing, { value: 1 }, 'test-thing')
  t.throws(() => { provide(app, Thing, { value: 2 }, 'test-thing') }, {
    code: 'FP_ERR_CORE_CAPABILITY_TAKEN',
    message: /test-thing is registered twice .*capability test\.thing/
  })
})
