import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import production, { NotFoundError } from '../src/index.js'

t.test('with no options it registers every package and boots', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(production)
  app.get('/orders/:id', async () => { throw new NotFoundError('Order not found') })
  t.teardown(() => app.close())
  await app.ready()
  const res = await app.inject({ url: '/orders/nope' })
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { code: 'NOT_FOUND', requestId: 'req-1' })
  t.equal((await app.inject({ url: '/unknown' })).json().code, 'NOT_FOUND', 'the 404 handler is the problem+json one')
  const report = logs.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('fastify-production:'))
  t.match(report, { level: 30, packages: ['errors'] }, 'one info line at ready names what is on')
})

t.test('a key set to false leaves that package out', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(production, { errors: false })
  t.teardown(() => app.close())
  const res = await app.inject({ url: '/unknown' })
  t.equal(res.statusCode, 404)
  t.not(res.headers['content-type'], 'application/problem+json; charset=utf-8', 'Fastify\'s own 404 answers')
  t.match(logs.lines.find((l) => l.msg === 'fastify-production: no packages on'), { packages: [] })
})

t.test('package options pass through', async (t) => {
  const app = Fastify()
  await app.register(production, { errors: { typeBaseUrl: 'https://docs.example.com/e/' } })
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/x' })).json().type, 'https://docs.example.com/e/NOT_FOUND')
})

t.test('bad options fail registration with FP_ERR_PRODUCTION_OPTIONS', async (t) => {
  const cases: Array<[unknown, RegExp]> = [
    [{ erors: {} }, /erors: is not a known option; accepted: errors/],
    [{ errors: true }, /errors: must be that package's options object, or false/],
    [{ errors: null }, /errors: must be/],
    [{ errors: [] }, /errors: must be/],
    [[], /\(root\): must be an object/]
  ]
  for (const [options, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(production, options as object) }, { code: 'FP_ERR_PRODUCTION_OPTIONS', message })
    await app.close()
  }
})

t.test('a package\'s own bad option surfaces with that package\'s code', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(production, { errors: { typeBaseUrl: 'nope' } }) }, { code: 'FP_ERR_ERRORS_OPTIONS' })
})
