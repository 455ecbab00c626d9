import t from 'tap'
import Fastify from 'fastify'
import shutdown from '../src/index.js'
import { resolveOptions } from '../src/options.js'

const bad: Array<[string, unknown, RegExp]> = [
  ['a negative delay', { delay: -1 }, /delay/],
  ['a fractional timeout', { timeout: 1.5 }, /timeout/],
  ['a zero hookTimeout', { hookTimeout: 0 }, /hookTimeout/],
  ['an unknown signal', { signals: ['SIGKILL'] }, /signals/],
  ['an empty signal list', { signals: [] }, /signals/],
  ['a wrong unhandledRejection mode', { unhandledRejection: 'ignore' }, /unhandledRejection/],
  ['serverTimeouts: true', { serverTimeouts: true }, /serverTimeouts/],
  ['an unknown server timeout', { serverTimeouts: { idleTimeout: 5 } }, /serverTimeouts.idleTimeout: is not a known option/],
  ['exit that is not a function', { exit: 1 }, /exit: must be a function/],
  ['a delay not below timeout', { delay: 30_000, timeout: 25_000 }, /delay: must be less than timeout \(25000 ms\)/],
  ['requestTimeout below headersTimeout', { serverTimeouts: { headersTimeout: 10_000, requestTimeout: 5000 } }, /serverTimeouts.requestTimeout: must be 0 or at least headersTimeout/],
  ['an unknown option', { grace: 5 }, /grace: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_SHUTDOWN_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(shutdown, options as object) }, { code: 'FP_ERR_SHUTDOWN_OPTIONS', message: mentions })
  })
}

t.test('the message lists what is accepted', async (t) => {
  t.throws(() => resolveOptions({ delay: 'soon' }), { message: /accepted: delay \(ms, integer >= 0\), timeout/ })
})

t.test('delay defaults to 5 s under Kubernetes, 0 elsewhere; timeout to 25 s', async (t) => {
  t.match(resolveOptions({}, {}), { delay: 0, timeout: 25_000, hookTimeout: 5000, signals: ['SIGTERM', 'SIGINT'], unhandledRejection: 'exit' })
  t.match(resolveOptions({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }), { delay: 5000 })
  t.match(resolveOptions({ delay: 0 }, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }), { delay: 0 }, 'an explicit 0 is kept')
  t.equal(typeof resolveOptions({}).exit, 'function')
})

t.test('requestTimeout 0 with any headersTimeout is accepted', async (t) => {
  t.match(resolveOptions({ serverTimeouts: { headersTimeout: 10_000, requestTimeout: 0 } }), { serverTimeouts: { requestTimeout: 0 } })
})

t.test('the caller\'s options object is not mutated', async (t) => {
  const options = Object.freeze({ delay: 10, signals: Object.freeze(['SIGTERM' as const]), serverTimeouts: Object.freeze({ keepAliveTimeout: 80_000 }) })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(shutdown, options as never)
  await app.ready()
  t.same(options, { delay: 10, signals: ['SIGTERM'], serverTimeouts: { keepAliveTimeout: 80_000 } })
})
