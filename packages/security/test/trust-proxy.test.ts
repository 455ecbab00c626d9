import t, { type Test } from 'tap'
import Fastify from 'fastify'
import security from '../src/index.js'

function inProduction (t: Test): void {
  const before = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  t.teardown(() => {
    if (before === undefined) delete process.env.NODE_ENV
    else process.env.NODE_ENV = before
  })
}

const permissive: Array<[string, object]> = [
  ['trustProxy: true', { trustProxy: true }],
  ['a function that trusts every peer', { trustProxy: () => true }],
  ['two halves of the IPv4 space', { trustProxy: '0.0.0.0/1,128.0.0.0/1' }],
  ['two halves of the IPv6 space', { trustProxy: ['::/1', '8000::/1'] }]
]

for (const [name, options] of permissive) {
  t.test(`${name} in production refuses to boot with FP_ERR_SECURITY_TRUST_PROXY`, async (t) => {
    inProduction(t)
    const app = Fastify(options)
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(security) }, { code: 'FP_ERR_SECURITY_TRUST_PROXY', message: /X-Forwarded-For/ })
  })
}

const accepted: Array<[string, object]> = [
  ['a list of proxy addresses', { trustProxy: ['10.0.0.0/8', '127.0.0.1'] }],
  ['a hop count', { trustProxy: 1 }],
  ['no trustProxy', {}]
]

for (const [name, options] of accepted) {
  t.test(`${name} boots in production`, async (t) => {
    inProduction(t)
    const app = Fastify(options)
    t.teardown(() => app.close())
    await app.register(security)
    app.get('/', async (request) => request.ip)
    t.equal((await app.inject('/')).statusCode, 200)
  })
}

t.test('trustProxy: true outside production, or with rate limiting off, boots', async (t) => {
  const dev = Fastify({ trustProxy: true })
  t.teardown(() => dev.close())
  await dev.register(security)
  await dev.ready()

  inProduction(t)
  const noLimit = Fastify({ trustProxy: true })
  t.teardown(() => noLimit.close())
  await noLimit.register(security, { rateLimit: false })
  await noLimit.ready()
  t.pass()
})
