import t from 'tap'
import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import shutdown from '../src/index.js'

t.test('what the test runner itself listens to on SIGTERM is not foreign (signal-exit acts only when alone)', async (t) => {
  const present = process.listeners('SIGTERM')
  t.comment(`SIGTERM listeners in this process: ${present.length} ${present.map((l) => l.name === '' ? '(anonymous)' : l.name).join(', ')}`)
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(shutdown, { exit: () => {} })
  await app.ready()
  t.equal(process.listenerCount('SIGTERM'), present.length + 1)
})

t.test('close-with-grace installed before: the boot is refused with FP_ERR_SHUTDOWN_SIGNAL_TAKEN naming it and the fix', async (t) => {
  const grace = closeWithGrace({ logger: false }, async () => {})
  t.teardown(() => { grace.uninstall() })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(shutdown, { exit: () => {} })
  const before = process.listenerCount('SIGTERM')
  await t.rejects(async () => { await app.ready() }, {
    code: 'FP_ERR_SHUTDOWN_SIGNAL_TAKEN',
    message: 'Another listener handles SIGTERM (function onSignal), SIGINT (function onSignal): at the signal it would close the app or exit at once ' +
      'and the drain would never happen. Remove close-with-grace / your process.on(\'SIGTERM\') handler and use fastify.shutdown.addHook for cleanup, ' +
      'or pass shutdown: false (without the umbrella: do not register @fastify-production/shutdown)'
  })
  t.equal(process.listenerCount('SIGTERM'), before, 'nothing of ours was installed')
})

t.test('the app\'s own process.on handler, named or not, only for the signals we handle', async (t) => {
  const handlers: Array<[NodeJS.Signals, () => void, RegExp]> = [
    ['SIGINT', function stopServer () {}, /handles SIGINT \(function stopServer\): .*process\.on\('SIGTERM'\)/],
    ['SIGTERM', (() => () => {})(), /handles SIGTERM \(an anonymous function\)/]
  ]
  for (const [signal, handler, message] of handlers) {
    process.on(signal, handler)
    const app = Fastify()
    await app.register(shutdown, { exit: () => {} })
    await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_SHUTDOWN_SIGNAL_TAKEN', message })
    await app.close()
    process.off(signal, handler)
  }
  const hangup = (): void => {}
  process.on('SIGHUP', hangup)
  t.teardown(() => { process.off('SIGHUP', hangup) })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(shutdown, { exit: () => {} })
  await app.ready()
  t.pass('a listener on a signal we do not handle is none of our business')
})

t.test('our own listeners from other apps in the process are not foreign', async (t) => {
  const apps = [Fastify(), Fastify()]
  for (const app of apps) {
    t.teardown(() => app.close())
    await app.register(shutdown, { exit: () => {} })
    await app.ready()
  }
  t.pass('the second app booted beside the first one\'s listeners')
})

t.test('signal-exit v3\'s listeners are not foreign either, but no more of them than its emitter counts', async (t) => {
  // The shape signal-exit@3 leaves on a process that loaded it: an emitter with a count, and one
  // listener per signal that re-raises only when the listeners it counts are all there are.
  const holder = process as unknown as { __signal_exit_emitter__?: { count: number } }
  holder.__signal_exit_emitter__ = { count: 1 }
  const sig = 'SIGTERM'
  const listener = function listener (): void {
    const listeners = process.listeners(sig)
    if (listeners.length === holder.__signal_exit_emitter__?.count) process.kill(process.pid, sig)
  }
  process.on('SIGTERM', listener)
  t.teardown(() => {
    process.off('SIGTERM', listener)
    delete holder.__signal_exit_emitter__
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(shutdown, { exit: () => {} })
  await app.ready()
  t.pass('booted next to it')

  const lookalike = function listener (): void { process.listeners(sig) }
  process.on('SIGTERM', lookalike)
  t.teardown(() => { process.off('SIGTERM', lookalike) })
  const second = Fastify()
  t.teardown(() => second.close())
  await second.register(shutdown, { exit: () => {} })
  await t.rejects(async () => { await second.ready() }, { code: 'FP_ERR_SHUTDOWN_SIGNAL_TAKEN', message: /SIGTERM \(function listener\)/ }, 'one more than it counts is foreign')
})
