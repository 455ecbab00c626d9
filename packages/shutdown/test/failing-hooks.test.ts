import t from 'tap'
import { AppProcess } from './helpers/app-process.js'

t.test('a failing onClose hook and a failing shutdown hook are logged, the others still run, exit 1', async (t) => {
  const app = await AppProcess.start({
    options: { delay: 0, timeout: 10_000, hookTimeout: 500 },
    failingOnClose: true,
    hooks: [{ name: 'broken', fails: true }, { name: 'stuck', hangs: true }, { name: 'flush' }]
  })
  t.teardown(() => { app.stop() })

  const signalled = app.signal('SIGTERM')
  const exit = await app.exited
  t.equal(exit.code, 1, 'a failed cleanup is not a clean exit')
  t.notOk(app.log(/timed out after/), 'the stuck hook was bounded by hookTimeout, not the 10 s timeout')
  t.ok(exit.at - signalled < 10_000, 'so the exit came before the timeout')

  const order = app.lines.map((l) => l.msg).filter((m) => /^hook |^onClose: |^shutdown: (hook|an onClose)/.test(m))
  t.same(order, [
    'hook broken: started',
    'shutdown: hook "broken" failed; going on',
    'hook stuck: started',
    'shutdown: hook "stuck" did not finish within 500 ms; going on',
    'hook flush: started',
    'hook flush: finished',
    'onClose: earlier hook ran',
    'shutdown: an onClose hook failed'
  ], 'shutdown hooks in the order added, then the app\'s onClose hooks, each failure logged')
  t.match(app.log(/^shutdown: hook "broken" failed/), { level: 50, hook: 'broken', err: { message: 'hook broken broke' } })
  t.match(app.log(/^shutdown: an onClose hook failed/), { level: 50, err: { message: 'pool.end failed' } })
})
