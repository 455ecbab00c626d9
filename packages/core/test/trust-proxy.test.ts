import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { readTrustProxy, trustsEveryProxy } from '../src/index.js'

t.test('readTrustProxy sees the constructor option in the installed Fastify, from a child context too', async (t) => {
  for (const value of [true, false, ['10.0.0.0/8'], 2, undefined]) {
    const app = Fastify(value === undefined ? {} : { trustProxy: value as never })
    await app.register(async (child) => { t.same(readTrustProxy(child), value, `trustProxy ${JSON.stringify(value)}`) })
    await app.ready()
    await app.close()
  }
  t.equal(readTrustProxy(Object.create(null) as FastifyInstance), undefined, 'an object that is no Fastify instance')
  t.equal(trustsEveryProxy(Object.create(null) as FastifyInstance), false, 'no request class to ask: not refused')
})

const cases: Array<[string, object, boolean]> = [
  ['trustProxy: true', { trustProxy: true }, true],
  ['a function that trusts every peer', { trustProxy: () => true }, true],
  ['two halves of the IPv4 space', { trustProxy: '0.0.0.0/1,128.0.0.0/1' }, true],
  ['two halves of the IPv6 space', { trustProxy: ['::/1', '8000::/1'] }, true],
  ['a list of proxy addresses', { trustProxy: ['10.0.0.0/8', '127.0.0.1'] }, false],
  ['a hop count', { trustProxy: 1 }, false],
  ['no trustProxy', {}, false]
]

for (const [name, options, expected] of cases) {
  t.test(`trustsEveryProxy: ${name} -> ${expected}`, async (t) => {
    const app = Fastify(options)
    t.teardown(() => app.close())
    t.equal(trustsEveryProxy(app), expected)
  })
}
