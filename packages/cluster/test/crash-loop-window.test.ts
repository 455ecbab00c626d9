import t from 'tap'
import { RestartWindow } from '../src/restart-window.js'

t.test('restarts are counted over a sliding window; more than the limit is a crash loop', async (t) => {
  const window = new RestartWindow(3, 60_000)
  const counts = [0, 1000, 2000].map((now) => window.record(now))
  t.same(counts, [1, 2, 3])
  t.notOk(window.exceeded(3), 'maxRestarts restarts are allowed')
  t.equal(window.record(3000), 4)
  t.ok(window.exceeded(4), 'one more is a crash loop')
})

t.test('restarts older than the window drop out', async (t) => {
  const window = new RestartWindow(2, 10_000)
  window.record(0)
  window.record(5000)
  t.equal(window.record(10_000), 2, 'the one at 0 is exactly one window old: out')
  t.equal(window.record(30_000), 1, 'a long healthy run starts the count again')
})

t.test('maxRestarts 0: the first unexpected exit is already a crash loop', async (t) => {
  const window = new RestartWindow(0, 60_000)
  t.ok(window.exceeded(window.record(0)))
})
