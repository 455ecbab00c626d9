import t from 'tap'
import { build } from './helpers/in-process.js'

t.test('hooks run in the order added, each bounded; failures are logged and the next still runs', async (t) => {
  const { app, start, lines } = await build({ hookTimeout: 100 })
  await start()
  const ran: string[] = []
  app.shutdown?.addHook('first', async () => { ran.push('first') })
  app.shutdown?.addHook('throws', () => { ran.push('throws'); throw new Error('sync failure') })
  app.shutdown?.addHook('rejects', async () => { ran.push('rejects'); throw new Error('async failure') })
  app.shutdown?.addHook('hangs', () => { ran.push('hangs'); return new Promise(() => {}) })
  app.shutdown?.addHook('last', () => { ran.push('last') })
  await app.close()
  t.same(ran, ['first', 'throws', 'rejects', 'hangs', 'last'])
  const hookLines = lines.filter((l) => typeof l.hook === 'string').map((l) => [l.level, l.msg])
  t.same(hookLines, [
    [20, 'shutdown: hook "first" done'],
    [50, 'shutdown: hook "throws" failed; going on'],
    [50, 'shutdown: hook "rejects" failed; going on'],
    [50, 'shutdown: hook "hangs" did not finish within 100 ms; going on'],
    [20, 'shutdown: hook "last" done']
  ])
})

t.test('a hook that failed makes the sequence exit 1', async (t) => {
  const { app, start, exited } = await build({ delay: 0 })
  await start()
  app.shutdown?.addHook('broken', () => { throw new Error('nope') })
  app.shutdown?.trigger('test')
  t.equal(await exited, 1)
})

t.test('a timed-out hook is still named as not finished when the deadline hits', async (t) => {
  // The deadline well after the hook's bound, so a busy machine cannot reorder them.
  const { app, start, exited, log } = await build({ delay: 0, timeout: 2000, hookTimeout: 100 }, {}, (app) => {
    // Keeps the close from finishing after the shutdown hooks, so the deadline fires.
    app.addHook('onClose', () => new Promise(() => {}))
  })
  await start()
  app.shutdown?.addHook('slow-flush', () => new Promise(() => {}))
  app.shutdown?.addHook('quick', () => {})
  app.shutdown?.trigger('test')
  t.equal(await exited, 1)
  t.match(log(/timed out/), { pendingHooks: ['slow-flush'] })
})

t.test('addHook refuses bad arguments, duplicates and late additions with FP_ERR_SHUTDOWN_HOOK', async (t) => {
  const { app, start } = await build()
  await start()
  const add = (name: unknown, fn: unknown) => () => { app.shutdown?.addHook(name as string, fn as () => void) }
  t.throws(add('', () => {}), { code: 'FP_ERR_SHUTDOWN_HOOK', message: /name must be a non-empty string/ })
  t.throws(add(42, () => {}), { code: 'FP_ERR_SHUTDOWN_HOOK', message: /42: name must be/ })
  t.throws(add('x', 'not a function'), { code: 'FP_ERR_SHUTDOWN_HOOK', message: /x: fn must be a function/ })
  app.shutdown?.addHook('db', () => {})
  t.throws(add('db', () => {}), { code: 'FP_ERR_SHUTDOWN_HOOK', message: /db: a hook with this name exists/ })
  await app.close()
  t.throws(add('late', () => {}), { code: 'FP_ERR_SHUTDOWN_HOOK', message: /late: shutdown hooks are already running/ })
})
