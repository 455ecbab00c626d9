import t from 'tap'
import { bearerCheck } from '../src/index.js'

t.test('only the configured token passes, whatever the case of "Bearer" and the spacing', async (t) => {
  const has = bearerCheck('s3cret-token')
  t.equal(has('Bearer s3cret-token'), true)
  t.equal(has('bearer \ts3cret-token '), true)
  t.equal(has('Bearer s3cret-toke'), false, 'a prefix of the token')
  t.equal(has('Bearer s3cret-token extra'), false)
  t.equal(has('Basic s3cret-token'), false)
  t.equal(has(undefined), false, 'no header')
  t.equal(has('Bearer '), false, 'an empty token is no token, even if the hash of nothing were expected')
})

t.test('with no token configured every request passes', async (t) => {
  t.equal(bearerCheck(undefined)(undefined), true)
})
