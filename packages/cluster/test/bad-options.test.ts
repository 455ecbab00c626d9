import t from 'tap'
import { start } from '../src/index.js'
import { resolveOptions } from '../src/options.js'

const bad: Array<[string, unknown, RegExp]> = [
  ['workers that is 0', { workers: 0 }, /workers/],
  ['workers that is not an integer', { workers: 1.5 }, /workers/],
  ['a port out of range', { port: 70000 }, /port/],
  ['an empty host', { host: '' }, /host/],
  ['a negative maxRestarts', { maxRestarts: -1 }, /maxRestarts/],
  ['a restartWindow of 0', { restartWindow: 0 }, /restartWindow/],
  ['a maxMemoryMb of 0', { maxMemoryMb: 0 }, /maxMemoryMb/],
  ['a memoryInterval below 10 ms', { memoryInterval: 5 }, /memoryInterval/],
  ['an unknown logLevel', { logLevel: 'trace' }, /logLevel/],
  ['an unknown option', { worker: 2 }, /worker: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/],
  ['maxRestartDelay below restartDelay', { restartDelay: 500, maxRestartDelay: 100 }, /maxRestartDelay: must be at least restartDelay \(500 ms\); got 100/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} throws FP_ERR_CLUSTER_OPTIONS`, async (t) => {
    t.throws(() => resolveOptions(options, {}), { code: 'FP_ERR_CLUSTER_OPTIONS', message: mentions })
    await t.rejects(start(() => { throw new Error('never built') }, options as object), { code: 'FP_ERR_CLUSTER_OPTIONS', message: mentions })
  })
}

t.test('build that is not a function is refused', async (t) => {
  await t.rejects(start('app' as never), { code: 'FP_ERR_CLUSTER_OPTIONS', message: /build: must be a function/ })
})

t.test('WEB_CONCURRENCY sets the default worker count and is checked', async (t) => {
  t.equal(resolveOptions({}, { WEB_CONCURRENCY: '3' }).workers, 3)
  t.equal(resolveOptions({ workers: 2 }, { WEB_CONCURRENCY: '3' }).workers, 2, 'the option wins')
  t.ok(resolveOptions({}, { WEB_CONCURRENCY: '' }).workers >= 1, 'empty means unset')
  t.throws(() => resolveOptions({}, { WEB_CONCURRENCY: 'four' }), { code: 'FP_ERR_CLUSTER_OPTIONS', message: /WEB_CONCURRENCY must be an integer from 1 to 1024; got "four"/ })
  t.throws(() => resolveOptions({}, { WEB_CONCURRENCY: '0' }), { code: 'FP_ERR_CLUSTER_OPTIONS' })
})

t.test('defaults, and zeroes kept as given', async (t) => {
  const resolved = resolveOptions({}, {})
  t.match(resolved, {
    port: 3000,
    host: '127.0.0.1',
    maxRestarts: 10,
    restartWindow: 60_000,
    restartDelay: 100,
    maxRestartDelay: 10_000,
    readyTimeout: 30_000,
    drainTimeout: 5000,
    killTimeout: 35_000,
    maxMemoryMb: undefined,
    memoryInterval: 5000,
    memorySamples: 3,
    metricsPort: undefined,
    metricsHost: '127.0.0.1',
    metricsTimeout: 1000,
    logLevel: 'info'
  })
  t.ok(resolved.workers >= 1)
  const zeroes = resolveOptions({ maxRestarts: 0, restartDelay: 0, drainTimeout: 0, port: 0 }, {})
  t.match(zeroes, { maxRestarts: 0, restartDelay: 0, drainTimeout: 0, port: 0 })
  t.equal(resolveOptions({ restartDelay: 20_000 }, {}).maxRestartDelay, 20_000, 'the cap follows a larger restartDelay')
})

t.test('the caller\'s options object is not mutated', async (t) => {
  const options = Object.freeze({ workers: 2, port: 1234 })
  resolveOptions(options, {})
  t.same(options, { workers: 2, port: 1234 })
})
