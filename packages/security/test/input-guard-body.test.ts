import t from 'tap'
import { guardedApp, postJson } from './helpers/guarded-app.js'

const echo = async (request: { body: unknown }) => ({ received: request.body })

t.test('operator and prototype keys anywhere in a JSON body without schema: 400 naming the path', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => { app.post('/notes', echo) })
  const cases: Array<[unknown, string, RegExp]> = [
    [{ $where: 'sleep(1000)' }, '/body/$where', /"\$" act as database operators/],
    [{ user: { password: { $ne: null } } }, '/body/user/password/$ne', /operators/],
    [{ filter: [{ ok: 1 }, { deep: [[{ $gt: '' }]] }] }, '/body/filter/1/deep/0/0/$gt', /operators/],
    [{ 'profile.role': 'admin' }, '/body/profile.role', /"\." act as database field paths/],
    [{ a: { constructor: { name: 'x' } } }, '/body/a/constructor', /prototype keys/],
    [{ prototype: 1 }, '/body/prototype', /prototype keys/],
    [[{ ok: true }, { $set: { admin: true } }], '/body/1/$set', /operators/],
    [{ 'a/b': { 'c~d': { $in: [] } } }, '/body/a~1b/c~0d/$in', /operators/]
  ]
  for (const [body, path, message] of cases) {
    const answer = await postJson(`${url}/notes`, body)
    t.equal(answer.status, 400, JSON.stringify(body))
    t.match(answer.body, { status: 400, code: 'UNSAFE_KEY', instance: '/notes', errors: [{ path, message }] })
    t.notMatch(JSON.stringify(answer.body), /sleep|admin"|null\}/, 'no submitted value in the answer')
  }
})

t.test('ordinary bodies reach the handler exactly as sent: nothing is stripped or changed', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => { app.post('/notes', echo) })
  const body = { title: 'a$b', tags: ['x.y', '$money'], price: { amount: 10, currency: 'EUR' }, nested: [[{ ok: null }]], empty: {}, n: 1.5 }
  const answer = await postJson(`${url}/notes`, body)
  t.equal(answer.status, 200)
  t.same(answer.body, { received: body }, 'values may hold "$" and "." freely; only keys are checked')
  t.same((await postJson(`${url}/notes`, '"just a string"')).body, { received: 'just a string' })
  t.same((await postJson(`${url}/notes`, '42')).body, { received: 42 })
})

t.test('nesting deeper than the stack is walked without recursion: an answer, never a 500', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => { app.post('/notes', { bodyLimit: 4 * 1024 * 1024 }, async () => ({ ok: true })) })
  const depth = 200_000
  const clean = await postJson(`${url}/notes`, '['.repeat(depth) + ']'.repeat(depth))
  t.equal(clean.status, 200)
  const hostile = await postJson(`${url}/notes`, '['.repeat(depth) + '{"$where":1}' + ']'.repeat(depth))
  t.equal(hostile.status, 400)
  const path = hostile.body.errors?.[0]?.path ?? ''
  t.match(path, /^\/body\/…\/0\/.*\/\$where$/, 'the path is bounded: its last segments')
  t.ok(path.length < 200)
  let deepObject = '{"$where":1}'
  for (let i = 0; i < 100; i++) deepObject = `{"a":{"b":1,"c":${deepObject}}}`
  t.match((await postJson(`${url}/notes`, deepObject)).body, { errors: [{ path: /^\/body\/….*\/a\/c\/\$where$/ }] }, 'objects too')
  t.equal((await postJson(`${url}/notes`, deepObject.replace('$where', 'where'))).status, 200)
})

t.test('long keys are cut in the path', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => { app.post('/notes', echo) })
  const key = `$${'x'.repeat(500)}`
  const answer = await postJson(`${url}/notes`, { [key]: 1 })
  t.equal(answer.body.errors?.[0]?.path, `/body/$${'x'.repeat(63)}…`)
})

t.test('bodies that are not objects (text, buffers) are not walked', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => {
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
    app.addContentTypeParser('application/x-thing', { parseAs: 'string' }, (_req, body, done) => { done(null, new Map([['$where', body]])) })
    app.post('/raw', async (request) => ({ type: (request.body as object).constructor.name }))
  })
  for (const [type, body, name] of [['application/octet-stream', '{"$where":1}', 'Buffer'], ['text/plain', '{"$where":1}', 'String'], ['application/x-thing', 'x', 'Map']]) {
    const res = await fetch(`${url}/raw`, { method: 'POST', headers: { 'content-type': type as string }, body })
    t.same(await res.json(), { type: name }, `${type as string}: passed`)
  }
})

t.test('switchable per route and globally', async (t) => {
  const on = await guardedApp(t, undefined, (app) => {
    app.post('/off', { config: { production: { inputGuard: false } } }, echo)
    app.post('/body-off', { config: { production: { inputGuard: { body: false } } } }, echo)
    app.put('/on', echo)
  })
  t.equal((await postJson(`${on.url}/off`, { $where: 1 })).status, 200, 'inputGuard: false on the route')
  t.equal((await postJson(`${on.url}/body-off`, { $where: 1 })).status, 200, 'inputGuard: { body: false } on the route')
  t.equal((await fetch(`${on.url}/on`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"$where":1}' })).status, 400, 'PUT is guarded too')

  const off = await guardedApp(t, false, (app) => {
    app.post('/default', echo)
    app.post('/opted-in', { config: { production: { inputGuard: { body: true } } } }, echo)
  })
  t.equal((await postJson(`${off.url}/default`, { $where: 1 })).status, 200, 'inputGuard: false globally')
  t.equal((await postJson(`${off.url}/opted-in`, { $where: 1 })).status, 400, 'a route opts back in')
})

t.test('the answer carries the suite\'s headers and type base like every problem', async (t) => {
  const { default: Fastify } = await import('fastify')
  const { default: security } = await import('../src/index.js')
  const { listening } = await import('./helpers/listening.js')
  const { problems } = await import('@fastify-production/core')
  const app = Fastify()
  problems(app).typeBaseUrl = 'https://errors.example.com/'
  await app.register(security, { rateLimit: false })
  app.post('/notes', echo)
  const url = await listening(t, app)
  const res = await fetch(`${url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"$where":1}' })
  t.equal(res.status, 400)
  t.match(res.headers.get('content-type'), /^application\/problem\+json/)
  t.equal(res.headers.get('x-content-type-options'), 'nosniff')
  t.match(await res.json(), { type: 'https://errors.example.com/UNSAFE_KEY' })
})
