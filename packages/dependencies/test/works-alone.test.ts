import t from 'tap'
import Fastify from 'fastify'
import { findLifecycle } from '@fastify-production/core'
import dependencies, { dependency } from '../src/index.js'
import { logLines } from './log-lines.js'

t.test('alone (no health, no metrics): plain definitions; a critical one holds startup until its connect resolves, a non-critical one does not', async (t) => {
  let up = false
  const log = logLines()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  t.teardown(() => app.close())
  const attempts: number[] = []
  await app.register(dependencies, {
    store: {
      connect: async () => {
        attempts.push(attempts.length + 1)
        if (!up) throw new Error('not yet')
      },
      timeout: 200,
      startup: { initialDelay: 10, maxDelay: 20 }
    },
    optional: { critical: false }
  })
  await app.ready()
  const lifecycle = findLifecycle(app)
  t.equal(lifecycle?.state, 'starting')
  t.equal(app.dependencies.get('optional').status, 'up', 'no connect: up at once')
  t.equal(app.dependencies.get('store').status, 'connecting')
  await log.next((l) => l.attempt === 2 && /connect attempt 2 failed/.test(l.msg))
  up = true
  t.equal(await lifecycle?.whenReady(), true)
  t.equal(await app.dependencies.get('store').call(async (signal) => signal.aborted ? 'aborted' : 'ran'), 'ran')
  t.equal(app.dependencies.get('store').circuit, 'closed')
  t.equal(dependency({ breaker: false }).circuit, 'disabled')
})

t.test('a call without its plugin runs under the policy too; a user signal cancels it; retries give up at the deadline', async (t) => {
  const dep = dependency({ timeout: 50, deadline: 200, retry: { retries: 10, initialDelay: 60, maxDelay: 60 }, breaker: false })
  let calls = 0
  await t.rejects(dep.call(async (signal) => { calls++; await new Promise((resolve) => { signal.addEventListener('abort', resolve) }) }, { idempotent: true }),
    { code: 'FP_ERR_DEPENDENCIES_TIMEOUT', statusCode: 503, headers: { 'retry-after': '5' } })
  t.ok(calls >= 2 && calls <= 3, `attempts until the deadline (${calls})`)
  const controller = new AbortController()
  const cancelled = dep.call(async (signal) => await new Promise((_resolve, reject) => { signal.addEventListener('abort', () => { reject(signal.reason) }) }), { signal: controller.signal })
  controller.abort()
  await t.rejects(cancelled, { code: 'FP_ERR_DEPENDENCIES_ABORTED', statusCode: 499, message: /cancelled: This operation was aborted|cancelled: the caller aborted/ })
  await t.rejects(dep.call(() => 'never', { signal: controller.signal }), { code: 'FP_ERR_DEPENDENCIES_ABORTED' }, 'an aborted signal: no attempt')
  const midSleep = new AbortController()
  const sleeping = dep.call(() => { setImmediate(() => { midSleep.abort(new Error('stop')) }); throw new Error('flaky') }, { signal: midSleep.signal, idempotent: true })
  await t.rejects(sleeping, { code: 'FP_ERR_DEPENDENCIES_ABORTED', message: /stop/ }, 'cancelled while waiting to retry')
  const answer = dependency({ classify: () => 'answer' })
  await t.rejects(answer.call(() => { throw new RangeError('mine') }), RangeError, 'an answer is thrown as it came')
})

t.test('close: in reverse order, a failing or hanging close is logged and the next still runs; closing stops connect attempts', async (t) => {
  const log = logLines()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  const order: string[] = []
  await app.register(dependencies, {
    first: { close: () => { order.push('first') } },
    failing: { close: () => { order.push('failing'); throw new Error('boom') } },
    hanging: { close: async () => { order.push('hanging'); await new Promise(() => {}) }, closeTimeout: 50 },
    never: { critical: false, connect: () => { throw new Error('down') }, startup: { initialDelay: 5000, maxDelay: 5000 } }
  })
  await app.ready()
  await log.next((l) => /dependency never: connect attempt 1 failed/.test(l.msg))
  await app.close()
  t.same(order, ['hanging', 'failing', 'first'])
  t.ok(log.lines.some((l) => /dependency hanging: close failed or took over 50 ms; going on/.test(l.msg)))
  t.ok(log.lines.some((l) => /dependency failing: close failed/.test(l.msg)))
  t.equal(app.dependencies.get('never').status, 'closed')
})
