import t from 'tap'
import { restartDelay } from '../src/backoff.js'

t.test('the delay starts at restartDelay and doubles with each restart in the window', async (t) => {
  t.same([1, 2, 3, 4, 5].map((n) => restartDelay(n, 100, 10_000)), [100, 200, 400, 800, 1600])
  t.equal(restartDelay(0, 100, 10_000), 100, 'no restart yet counts as the first')
})

t.test('the delay is capped at maxRestartDelay, even after very many restarts', async (t) => {
  t.equal(restartDelay(8, 100, 10_000), 10_000)
  t.equal(restartDelay(5000, 100, 10_000), 10_000)
  t.equal(restartDelay(1, 500, 200), 200, 'the cap applies to the first delay too')
  t.equal(restartDelay(3, 0, 10_000), 0, 'restartDelay 0 restarts at once')
})
