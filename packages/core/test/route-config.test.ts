import t from 'tap'
import { productionConfig } from '../src/index.js'

t.test('config.production is read when it is an object, else undefined', async (t) => {
  t.same(productionConfig({ production: { accessLog: false } }), { accessLog: false })
  t.equal(productionConfig({ production: 'strict' }), undefined)
  t.equal(productionConfig({ production: null }), undefined)
  t.equal(productionConfig({ rateLimit: 'strict' }), undefined, 'another plugin\'s key is not ours')
  t.equal(productionConfig(undefined), undefined)
})
