import t from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import errors from '../src/index.js'

async function build (t: { teardown: (fn: () => unknown) => void }) {
  const app = Fastify()
  await app.register(errors)
  t.teardown(() => app.close())
  app.post('/orders', {
    schema: {
      body: Type.Object({
        item: Type.String({ minLength: 1, maxLength: 100 }),
        quantity: Type.Integer({ minimum: 1, maximum: 1000 })
      }, { additionalProperties: false }),
      querystring: Type.Object({ mode: Type.Optional(Type.Union([Type.Literal('fast'), Type.Literal('slow')])) })
    }
  }, async () => ({ ok: true }))
  return app
}

t.test('a body that breaks the schema is a 400 listing path and rule, not the value', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/orders', payload: { item: 'x', quantity: 987654321 } })
  t.equal(res.statusCode, 400)
  const body = res.json()
  t.equal(body.code, 'VALIDATION_FAILED')
  t.same(body.errors, [{ path: '/body/quantity', message: 'must be <= 1000' }])
  t.notMatch(res.body, /987654321/)
})

t.test('a missing property is named in the path', async (t) => {
  const app = await build(t)
  const body = (await app.inject({ method: 'POST', url: '/orders', payload: { item: 'sEcReTvAlUe' } })).json()
  t.same(body.errors, [{ path: '/body/quantity', message: "must have required property 'quantity'" }])
  t.notMatch(JSON.stringify(body), /sEcReTvAlUe/)
})

t.test('query string failures name the querystring part and never the value', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/orders?mode=hunter2', payload: { item: 'a', quantity: 1 } })
  t.equal(res.statusCode, 400)
  t.match(res.json().errors[0], { path: '/querystring/mode' })
  t.notMatch(res.body, /hunter2/)
})

t.test('validation issues are bounded and tolerate odd validator output', async (t) => {
  const app = Fastify()
  await app.register(errors)
  t.teardown(() => app.close())
  app.get('/', async () => {
    const validation = ['junk', ...Array.from({ length: 50 }, () => ({ instancePath: '/x', message: 'bad' }))]
    throw Object.assign(new Error('v'), { code: 'FST_ERR_VALIDATION', statusCode: 400, validation })
  })
  app.get('/extra', async () => {
    throw Object.assign(new Error('v'), { code: 'FST_ERR_VALIDATION', statusCode: 400, validationContext: 'body', validation: [{ instancePath: '', params: { additionalProperty: 'extra' } }, {}] })
  })
  const many = (await app.inject({ url: '/' })).json()
  t.equal(many.errors.length, 20)
  t.same(many.errors[0], { path: '/', message: 'is invalid' })
  t.same(many.errors[1], { path: '/x', message: 'bad' })
  t.same((await app.inject({ url: '/extra' })).json().errors, [
    { path: '/body/extra', message: 'is invalid' },
    { path: '/body', message: 'is invalid' }
  ])
})
