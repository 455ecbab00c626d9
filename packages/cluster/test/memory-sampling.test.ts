import t from 'tap'
import { MemoryWatch } from '../src/memory-watch.js'

const MB = 1024 * 1024

t.test('a worker is over the limit only after N samples in a row above it', async (t) => {
  const watch = new MemoryWatch(100, 3)
  t.same([150, 150].map((mb) => watch.sample(mb * MB)), [false, false])
  t.equal(watch.above, 2)
  t.equal(watch.sample(150 * MB), true)
})

t.test('one sample at or below the limit starts the count again', async (t) => {
  const watch = new MemoryWatch(100, 2)
  watch.sample(150 * MB)
  t.equal(watch.sample(100 * MB), false, 'exactly the limit is not above it')
  t.equal(watch.above, 0)
  t.equal(watch.sample(101 * MB), false)
  t.equal(watch.sample(101 * MB), true)
})

t.test('fractional limits are in MiB', async (t) => {
  const watch = new MemoryWatch(0.5, 1)
  t.equal(watch.sample(0.5 * MB), false)
  t.equal(watch.sample(0.5 * MB + 1), true)
})
