import t from 'tap'
import { build } from './helpers/in-process.js'

t.test('app.close() by someone else during the drain delay ends the wait: the sequence exits 0 at once', async (t) => {
  const { app, start, exited, exits } = await build({ delay: 60_000, timeout: 120_000 })
  await start()
  app.shutdown?.trigger('deploy')
  t.equal(app.shutdown?.state, 'draining')
  await app.close()
  t.equal(await exited, 0, 'the 60 s delay was not waited out')
  t.same(exits, [0])
})
