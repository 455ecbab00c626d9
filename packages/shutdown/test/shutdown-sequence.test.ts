import t from 'tap'
import { find, findLifecycle, lifecycle, ShutdownCap } from '@fastify-production/core'
import { build } from './helpers/in-process.js'

t.test('a signal drains, waits the delay, closes the app, then exits 0', async (t) => {
  const states: string[] = []
  const { app, listener, start, exited, exits, log } = await build({ delay: 100, timeout: 5000 }, {}, (app) => {
    app.addHook('onClose', async () => { states.push(`onClose:${app.shutdown?.state ?? ''}`) })
  })
  t.teardown(() => app.close())
  await start()
  states.push(app.shutdown?.state ?? '')

  listener('SIGTERM')('SIGTERM')
  states.push(app.shutdown?.state ?? '')
  t.equal(await exited, 0)
  t.same(states, ['running', 'draining', 'onClose:closing'])
  t.same(exits, [0], 'exit is asked for once')
  t.match(log(/SIGTERM received/), { level: 30, signal: 'SIGTERM', delay: 100, timeout: 5000 })
  t.match(log(/exiting with code 0/), { exitCode: 0, elapsed: Number })
  t.same(process.listeners('SIGTERM').filter((l) => l === listener('SIGTERM')), [], 'its listeners are gone')
})

t.test('trigger() starts the same sequence from code; a second trigger is ignored', async (t) => {
  const { app, start, exited, exits, log } = await build({ delay: 0 })
  t.teardown(() => app.close())
  await start()
  app.shutdown?.trigger('config reloaded')
  app.shutdown?.trigger('again')
  t.equal(await exited, 0)
  t.match(log(/^shutdown: triggered \(config reloaded\)/), { reason: 'config reloaded' })
  t.notOk(log(/again/))
  t.same(exits, [0])
})

t.test('a second signal exits 1 at once and nothing exits again later', async (t) => {
  const { app, listener, start, exited, exits, log } = await build({ delay: 60_000, timeout: 120_000 })
  t.teardown(() => app.close())
  await start()
  listener('SIGTERM')('SIGTERM')
  listener('SIGINT')('SIGINT')
  t.equal(await exited, 1)
  t.match(log(/second SIGINT received, exiting now/), { level: 50 })
  t.notOk(log(/^shutdown: closing/), 'the close never started')
  t.same(exits, [1])
})

t.test('uncaughtException: fatal with the error, no delay, exit 1', async (t) => {
  const { app, listener, start, exited, log } = await build({ delay: 60_000, timeout: 120_000 })
  t.teardown(() => app.close())
  await start()
  listener('uncaughtException')(new Error('kaboom'))
  t.equal(app.shutdown?.state, 'draining')
  t.equal(await exited, 1)
  t.match(log(/^shutdown: uncaught exception/), { level: 60, err: { message: 'kaboom', stack: /kaboom/ } })
})

t.test('an uncaught exception while draining ends the delay and makes the exit code 1', async (t) => {
  const { app, listener, start, exited } = await build({ delay: 60_000, timeout: 120_000 })
  t.teardown(() => app.close())
  await start()
  listener('SIGTERM')('SIGTERM')
  listener('uncaughtException')(new Error('during drain'))
  t.equal(await exited, 1)
})

t.test('unhandledRejection \'exit\': a non-Error reason is logged as an error describing it', async (t) => {
  const { app, listener, start, exited, log } = await build({ delay: 0 })
  t.teardown(() => app.close())
  await start()
  listener('unhandledRejection')({ reason: 'plain object' })
  t.equal(await exited, 1)
  t.match(log(/^shutdown: unhandled rejection/), { level: 60, err: { message: /non-error rejection: \{ reason: 'plain object' \}/ } })
})

t.test('unhandledRejection \'log\': logged at error, the app keeps running', async (t) => {
  const { app, listener, start, exits, log } = await build({ unhandledRejection: 'log' })
  t.teardown(() => app.close())
  await start()
  const err = new Error('ignored on purpose')
  listener('unhandledRejection')(err)
  t.match(log(/^shutdown: unhandled rejection/), { level: 50, err: { message: 'ignored on purpose' } })
  t.equal(app.shutdown?.state, 'running')
  t.same(exits, [])
})

t.test('the signal drains the app\'s lifecycle: readiness (health, metrics, cluster) turns 503 at once', async (t) => {
  const seen: string[] = []
  const { app, start, listener, exited } = await build({ delay: 50 }, {}, (app) => {
    lifecycle(app).on((state) => { seen.push(state) })
  })
  t.teardown(() => app.close())
  await start()
  t.equal(findLifecycle(app)?.state, 'ready')
  listener('SIGTERM')('SIGTERM')
  t.equal(findLifecycle(app)?.state, 'draining', 'drained before the delay starts')
  t.equal(await exited, 0)
  t.same(seen, ['ready', 'draining', 'closing', 'closed'])
})

t.test('a lifecycle listener that throws while draining is logged and the sequence goes on', async (t) => {
  const { app, start, exited, log } = await build({ delay: 0 }, {}, (app) => {
    lifecycle(app).on((state) => { if (state === 'draining') throw new Error('listener broke') })
  })
  t.teardown(() => app.close())
  await start()
  app.shutdown?.trigger('test')
  t.equal(await exited, 0)
  t.match(log(/a lifecycle listener failed while draining/), { level: 50, err: { message: 'listener broke' } })
})

t.test('a foreign `health` decorator is never called', async (t) => {
  const { app, start, exited } = await build({ delay: 0 }, {}, (app) => {
    app.decorate('health', { drain () { throw new Error('not ours, never called') } })
  })
  t.teardown(() => app.close())
  await start()
  app.shutdown?.trigger('test')
  t.equal(await exited, 0)
})

t.test('other packages start the sequence through the ShutdownCap capability', async (t) => {
  const { app, start, exited, log } = await build({ delay: 0 })
  t.teardown(() => app.close())
  await start()
  find(app, ShutdownCap)?.trigger('cluster: stop')
  t.equal(await exited, 0)
  t.match(log(/^shutdown: triggered \(cluster: stop\)/), { reason: 'cluster: stop' })
})

t.test('a SIGTERM listener installed after ready: at the signal one error line names it, the sequence goes on', async (t) => {
  const { app, start, listener, exited, lines } = await build({ delay: 0 })
  t.teardown(() => app.close())
  await start()
  const lateHandler = (): void => {}
  process.on('SIGTERM', lateHandler)
  t.teardown(() => { process.off('SIGTERM', lateHandler) })
  listener('SIGTERM')('SIGTERM')
  t.equal(await exited, 0)
  const errors = lines.filter((l) => l.level === 50)
  t.equal(errors.length, 1)
  t.match(errors[0], {
    signal: 'SIGTERM',
    listeners: 'SIGTERM (function lateHandler)',
    msg: /^shutdown: another listener also handles SIGTERM \(function lateHandler\), installed after ready; .*fastify\.shutdown\.addHook/
  })
})

t.test('a plain app.close() runs the hooks and removes the listeners without exiting', async (t) => {
  const { app, start, listener, exits } = await build()
  await start()
  const sigterm = listener('SIGTERM')
  const ran: string[] = []
  app.shutdown?.addHook('flush', () => { ran.push('flush') })
  await app.close()
  t.same(ran, ['flush'])
  t.equal(app.shutdown?.state, 'closing')
  t.same(exits, [])
  t.notOk(process.listeners('SIGTERM').includes(sigterm as never), 'SIGTERM listener removed')
})
