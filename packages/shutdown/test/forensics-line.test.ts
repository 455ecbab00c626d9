import t from 'tap'
import { activeHandles, describeOpen } from '../src/forensics.js'

t.test('the forensics message names requests by route, unfinished hooks and handle kinds', async (t) => {
  t.equal(
    describeOpen([{ method: 'GET', route: '/orders/:id', count: 2 }, { method: 'POST', route: '/orders', count: 1 }], ['db', 'queue'], { TCPSocketWrap: 3, Timeout: 1 }),
    '3 request(s) in flight (GET /orders/:id x2, POST /orders x1); hooks not finished: db, queue; handles: TCPSocketWrap x3, Timeout x1'
  )
  t.equal(describeOpen([], [], {}), '0 request(s) in flight; hooks not finished: none; handles: none')
})

t.test('active handles are counted by kind', async (t) => {
  const timer = setTimeout(() => {}, 10_000)
  t.teardown(() => { clearTimeout(timer) })
  const before = activeHandles().Timeout ?? 0
  const second = setTimeout(() => {}, 10_000)
  t.equal(activeHandles().Timeout, before + 1)
  clearTimeout(second)
})
