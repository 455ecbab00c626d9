import t from 'tap'
import Fastify from 'fastify'
import metrics from '../src/index.js'

const bad: Array<[string, unknown, RegExp]> = [
  ['path not starting with /', { path: 'metrics' }, /option path:/],
  ['an empty token', { token: '' }, /option token:/],
  ['a port out of range', { port: 70000 }, /option port:/],
  ['a port that is not an integer', { port: 1.5 }, /option port:/],
  ['an empty host', { host: '' }, /option host:/],
  ['public that is not a boolean', { public: 'yes' }, /option public:/],
  ['a registry that is not one', { registry: {} }, /option registry: must be a prom-client Registry/],
  ['a prefix that is not a metric name', { prefix: '1x-' }, /option prefix:/],
  ['empty buckets', { buckets: [] }, /option buckets:/],
  ['a negative bucket', { buckets: [-1, 1] }, /option buckets.0:/],
  ['buckets not increasing', { buckets: [1, 1] }, /option buckets: must be strictly increasing/],
  ['maxLabelSets of 0', { maxLabelSets: 0 }, /option maxLabelSets:/],
  ['defaultMetrics that is not a boolean', { defaultMetrics: 1 }, /option defaultMetrics:/],
  ['heapSnapshot without dir', { heapSnapshot: {} }, /option heapSnapshot/],
  ['heapSnapshot with an unknown key', { heapSnapshot: { dir: '/tmp', x: 1 } }, /heapSnapshot.x: is not a known option/],
  ['an unknown option', { tokne: 'x' }, /tokne: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_METRICS_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(metrics, options as object) }, { code: 'FP_ERR_METRICS_OPTIONS', message: mentions })
  })
}

t.test('the message says what is accepted', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(metrics, { port: -1 }) }, { message: /accepted: path .*token .*port .*heapSnapshot/ })
})

t.test('the caller\'s options object is not mutated', async (t) => {
  const buckets = [0.1, 1]
  const options = Object.freeze({ token: 'x', buckets: Object.freeze(buckets) as number[], heapSnapshot: Object.freeze({ dir: '/tmp/hs' }) })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, options)
  await app.ready()
  t.same(options, { token: 'x', buckets: [0.1, 1], heapSnapshot: { dir: '/tmp/hs' } })
})
