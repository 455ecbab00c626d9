import t from 'tap'
import Fastify from 'fastify'
import closeWithGrace from 'close-with-grace'
import production from '../../src/index.js'

t.test('close-with-grace still installed: the boot fails with one coded error naming it and the fix', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const grace = closeWithGrace({ delay: 500 }, async () => { await app.close() })
  t.teardown(() => { grace.uninstall() })
  await app.register(production)
  await t.rejects(async () => { await app.ready() }, { code: 'FP_ERR_SHUTDOWN_SIGNAL_TAKEN', message: /SIGTERM/ })
})

t.test('with shutdown: false the app keeps its own close-with-grace', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const grace = closeWithGrace({ delay: 500 }, async () => { await app.close() })
  t.teardown(() => { grace.uninstall() })
  await app.register(production, { shutdown: false })
  await app.ready()
  t.equal(app.hasDecorator('shutdown'), false)
})

t.test('building and closing the app 20 times leaves no process listener behind', async (t) => {
  const events = ['SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection'] as const
  const before = events.map((e) => process.listenerCount(e))
  for (let i = 0; i < 20; i++) {
    const app = Fastify()
    await app.register(production)
    await app.ready()
    await app.close()
  }
  t.same(events.map((e) => process.listenerCount(e)), before)
})
