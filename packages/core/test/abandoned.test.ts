import t from 'tap'
import { resetByClient } from '../src/index.js'

t.test('a finished response was abandoned only when an HTTP/2 client reset the stream', async (t) => {
  t.equal(resetByClient({ aborted: true, httpVersionMajor: 2 }), true)
  t.equal(resetByClient({ aborted: true, httpVersionMajor: 1 }), false, 'HTTP/1.1: a body cut short after the answer')
  t.equal(resetByClient({ aborted: false, httpVersionMajor: 2 }), false)
})
