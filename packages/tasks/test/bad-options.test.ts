import t from 'tap'
import Fastify from 'fastify'
import { availableParallelism } from 'node:os'
import tasks from '../src/index.js'
import { resolveOptions } from '../src/options.js'

const bad: Array<[string, unknown, RegExp]> = [
  ['a relative filename', { filename: './tasks.js' }, /filename: must be an absolute path or a file URL/],
  ['an http URL filename', { filename: new URL('https://example.com/tasks.js') }, /filename: must be an absolute path/],
  ['a numeric filename', { filename: 42 }, /filename: must be an absolute path/],
  ['zero maxThreads', { maxThreads: 0 }, /maxThreads/],
  ['minThreads above maxThreads', { maxThreads: 2, minThreads: 3 }, /minThreads: must be at most maxThreads \(2\); got 3/],
  ['a negative maxQueue', { maxQueue: -1 }, /maxQueue/],
  ['a fractional timeout', { timeout: 1.5 }, /timeout/],
  ['a zero retryAfter', { retryAfter: 0 }, /retryAfter/],
  ['readiness: true', { readiness: true }, /readiness/],
  ['an unknown option', { concurrency: 4 }, /concurrency: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_TASKS_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(tasks, options as object) }, { code: 'FP_ERR_TASKS_OPTIONS', message: mentions })
  })
}

t.test('the message lists what is accepted', async (t) => {
  t.throws(() => resolveOptions({ timeout: 'soon' }), { message: /accepted: filename \(absolute path or file URL/ })
})

t.test('defaults: one core left to the event loop, a queue of 4 per thread, no thread until the first task', async (t) => {
  const threads = Math.max(1, availableParallelism() - 1)
  t.same(resolveOptions({}), {
    filename: undefined,
    maxThreads: threads,
    minThreads: 0,
    idleTimeout: 30_000,
    maxQueue: 4 * threads,
    timeout: 30_000,
    retryAfter: 1,
    closeTimeout: 10_000,
    readiness: false
  })
  t.match(resolveOptions({ maxThreads: 3 }), { maxQueue: 12 }, 'maxQueue follows maxThreads')
  t.match(resolveOptions({ maxQueue: 0 }), { maxQueue: 0 }, 'an explicit 0 is kept')
})

t.test('the caller\'s options object is not mutated', async (t) => {
  const options = Object.freeze({ maxThreads: 2 })
  t.match(resolveOptions(options), { maxThreads: 2 })
  t.same(options, { maxThreads: 2 })
})
