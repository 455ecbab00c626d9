import t from 'tap'
import { deferred, within } from '../src/deferred.js'

t.test('deferred settles from outside', async (t) => {
  const ok = deferred<number>()
  ok.resolve(1)
  t.equal(await ok.promise, 1)
  const ko = deferred<number>()
  ko.reject(new Error('no'))
  await t.rejects(ko.promise, { message: 'no' })
})

t.test('within: the value when in time, the message when late', async (t) => {
  t.equal(await within(Promise.resolve('v'), 1000, 'late'), 'v')
  await t.rejects(within(new Promise(() => {}), 10, 'too late'), { message: 'too late' })
})
