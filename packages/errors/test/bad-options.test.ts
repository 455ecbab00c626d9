import t from 'tap'
import Fastify from 'fastify'
import errors from '../src/index.js'

const bad: Array<[string, unknown, RegExp]> = [
  ['typeBaseUrl that is not a URL', { typeBaseUrl: 'docs' }, /typeBaseUrl/],
  ['exposeStack that is not a boolean', { exposeStack: 'yes' }, /exposeStack/],
  ['genericDetail that is empty', { genericDetail: '' }, /genericDetail/],
  ['an unknown option', { typo: true }, /typo: is not a known option/],
  ['options that are not an object', 'yes', /\(root\)/]
]

for (const [name, options, mentions] of bad) {
  t.test(`${name} fails registration with FP_ERR_ERRORS_OPTIONS`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(errors, options as object) }, { code: 'FP_ERR_ERRORS_OPTIONS', message: mentions })
  })
}

t.test('exposeStack in production refuses to boot', async (t) => {
  const before = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  t.teardown(() => { process.env.NODE_ENV = before })
  const app = Fastify()
  t.teardown(() => app.close())
  await t.rejects(async () => { await app.register(errors, { exposeStack: true }) }, { code: 'FP_ERR_ERRORS_STACK_IN_PRODUCTION' })
})

t.test('the caller\'s options object is not mutated', async (t) => {
  const options = Object.freeze({ typeBaseUrl: 'https://x.test/' })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(errors, options)
  await app.ready()
  t.same(options, { typeBaseUrl: 'https://x.test/' })
})
