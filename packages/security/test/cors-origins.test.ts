import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import security, { type CorsOptions } from '../src/index.js'

async function build (t: Test, cors: CorsOptions): Promise<FastifyInstance> {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(security, { cors, rateLimit: false })
  app.get('/', async () => 'ok')
  app.post('/orders', async () => 'created')
  app.get('/varied', async (_request, reply) => reply.header('vary', 'Accept-Encoding').send('x'))
  app.get('/vary-origin', async (_request, reply) => reply.header('vary', 'origin').send('x'))
  return app
}

async function allowOriginFor (app: FastifyInstance, origin: string): Promise<string | undefined> {
  return (await app.inject({ url: '/', headers: { origin } })).headers['access-control-allow-origin'] as string | undefined
}

t.test('exact origins: scheme, host and port must all match', async (t) => {
  const app = await build(t, { origins: ['https://app.example.com', 'http://localhost:3000', 'HTTPS://Admin.Example.com:443'] })
  t.equal(await allowOriginFor(app, 'https://app.example.com'), 'https://app.example.com')
  t.equal(await allowOriginFor(app, 'http://localhost:3000'), 'http://localhost:3000')
  t.equal(await allowOriginFor(app, 'https://admin.example.com'), 'https://admin.example.com', 'entries are normalised like browsers send origins')
  for (const denied of ['http://app.example.com', 'https://app.example.com:8443', 'http://localhost:3001', 'https://app.example.com.evil.com', 'https://evil.com', 'null']) {
    t.equal(await allowOriginFor(app, denied), undefined, `${denied} is denied`)
  }
})

t.test('https://*.example.com matches real subdomains only', async (t) => {
  const app = await build(t, { origins: ['https://*.example.com', 'http://*.dev.test:8080'] })
  for (const allowed of ['https://a.example.com', 'https://deep.sub.example.com', 'https://x-1.example.com', 'http://a.dev.test:8080']) {
    t.equal(await allowOriginFor(app, allowed), allowed, `${allowed} is allowed`)
  }
  for (const denied of [
    'https://example.com', 'https://example.com.evil.com', 'https://evil-example.com', 'https://evilexample.com',
    'http://a.example.com', 'https://a.example.com:8443', 'https://-a.example.com', 'https://a..example.com',
    'https://evil.com/.example.com', 'https://evil.com?.example.com', 'https://a_b.example.com', 'http://a.dev.test', '.example.com'
  ]) {
    t.equal(await allowOriginFor(app, denied), undefined, `${denied} is denied`)
  }
})

t.test('anchored regexes match whole origins only', async (t) => {
  const app = await build(t, { origins: [/^https:\/\/pr-\d+\.preview\.example\.com$/, /^https:\/\/a\.test|https:\/\/b\.test$/] })
  t.equal(await allowOriginFor(app, 'https://pr-12.preview.example.com'), 'https://pr-12.preview.example.com')
  t.equal(await allowOriginFor(app, 'https://pr-12.preview.example.com.evil.com'), undefined)
  t.equal(await allowOriginFor(app, 'https://a.test'), 'https://a.test')
  t.equal(await allowOriginFor(app, 'https://a.test.evil.com'), undefined, 'a top-level alternation cannot escape the anchors')
  t.equal(await allowOriginFor(app, 'https://evil.b.test'), undefined)
})

t.test('other schemes are kept as written', async (t) => {
  const app = await build(t, { origins: ['chrome-extension://abcdef'] })
  t.equal(await allowOriginFor(app, 'chrome-extension://abcdef'), 'chrome-extension://abcdef')
})

t.test("'*' without credentials answers a literal *", async (t) => {
  const app = await build(t, { origins: ['*'] })
  const res = await app.inject({ url: '/', headers: { origin: 'https://anyone.test' } })
  t.equal(res.headers['access-control-allow-origin'], '*')
  t.equal(res.headers['access-control-allow-credentials'], undefined)
})

t.test('credentials and exposed headers for an allowed origin', async (t) => {
  const app = await build(t, { origins: ['https://app.example.com'], credentials: true, exposedHeaders: ['X-Request-Id', 'RateLimit-Remaining'] })
  const res = await app.inject({ url: '/', headers: { origin: 'https://app.example.com' } })
  t.equal(res.headers['access-control-allow-credentials'], 'true')
  t.equal(res.headers['access-control-expose-headers'], 'X-Request-Id, RateLimit-Remaining')
  const denied = await app.inject({ url: '/', headers: { origin: 'https://evil.test' } })
  t.equal(denied.headers['access-control-allow-credentials'], undefined)
  t.equal(denied.headers['access-control-expose-headers'], undefined)
})

t.test('Vary: Origin on every response, allowed, denied or without Origin, merged with the route\'s Vary', async (t) => {
  const app = await build(t, { origins: ['https://app.example.com'] })
  t.equal((await app.inject('/')).headers.vary, 'Origin')
  t.equal((await app.inject({ url: '/', headers: { origin: 'https://evil.test' } })).headers.vary, 'Origin')
  t.equal((await app.inject({ url: '/missing', headers: { origin: 'https://app.example.com' } })).headers.vary, 'Origin')
  t.equal((await app.inject('/varied')).headers.vary, 'Accept-Encoding, Origin')
  t.equal((await app.inject('/vary-origin')).headers.vary, 'origin', 'not added twice')
})

t.test('a denied origin gets no CORS headers; the request itself still runs unless strict', async (t) => {
  const app = await build(t, { origins: ['https://app.example.com'] })
  const res = await app.inject({ method: 'POST', url: '/orders', headers: { origin: 'https://evil.test' } })
  t.equal(res.statusCode, 200)
  t.equal(res.payload, 'created')
  t.notOk(Object.keys(res.headers).some((name) => name.startsWith('access-control-')))
})

t.test('strict: a state-changing request from a denied origin is refused before the handler', async (t) => {
  const app = await build(t, { origins: ['https://app.example.com'], strict: true })
  let ran = 0
  app.delete('/orders/:id', async () => { ran++; return 'deleted' })
  const res = await app.inject({ method: 'DELETE', url: '/orders/7?token=secret', headers: { origin: 'https://evil.test' } })
  t.equal(res.statusCode, 403)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(res.json(), { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'This origin may not make this request.', instance: '/orders/7', code: 'FORBIDDEN', requestId: 'req-1' })
  t.equal(res.headers['x-frame-options'], 'DENY')
  t.equal(res.headers.vary, 'Origin')
  t.equal(ran, 0, 'the handler never ran')
  t.equal((await app.inject({ method: 'DELETE', url: '/orders/7', headers: { origin: 'https://app.example.com' } })).statusCode, 200, 'allowed origin')
  t.equal((await app.inject({ method: 'DELETE', url: '/orders/7' })).statusCode, 200, 'no Origin: not a browser cross-origin request')
  t.equal((await app.inject({ url: '/', headers: { origin: 'https://evil.test' } })).statusCode, 200, 'GET is not state-changing')
  t.equal(ran, 2)
})

const refused: Array<[string, CorsOptions, string, RegExp]> = [
  ["'*' with credentials", { origins: ['*'], credentials: true }, 'FP_ERR_SECURITY_CORS_WILDCARD', /'\*'/],
  ['a reflect-all regex with credentials', { origins: [/^.*$/], credentials: true }, 'FP_ERR_SECURITY_CORS_WILDCARD', /\/\^\.\*\$\//],
  ['a reflect-all regex of another shape with credentials', { origins: [/^https?:\/\/.+$/], credentials: true }, 'FP_ERR_SECURITY_CORS_WILDCARD', /allows any origin/],
  ["'null'", { origins: ['null'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /allowNullOrigin/],
  ['an unanchored regex', { origins: [/example\.com/] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /must be anchored/],
  ['a regex anchored only at the start', { origins: [/^https:\/\/example\.com/] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /must be anchored/],
  ['a regex ending in an escaped $', { origins: [/^https:\/\/example\.com\$/] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /must be anchored/],
  ['a global regex', { origins: [/^https:\/\/a\.test$/g] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /stateful/],
  ['a sticky regex', { origins: [/^https:\/\/a\.test$/y] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /stateful/],
  ['an origin with a path', { origins: ['https://app.example.com/app'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /no path/],
  ['an origin with a trailing slash', { origins: ['https://app.example.com/'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /trailing slash/],
  ['an origin with credentials in it', { origins: ['https://u:p@app.example.com'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /credentials/],
  ['something that is not a URL', { origins: ['app.example.com'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /not an origin/],
  ['a non-http origin with a path', { origins: ['chrome-extension://abc/page'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /not an origin/],
  ['a wildcard in the middle', { origins: ['https://app.*.com'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /wildcard/],
  ['a wildcard over a top-level domain', { origins: ['https://*.com'] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /wildcard/],
  ['an entry that is not a string', { origins: [42 as unknown as string] }, 'FP_ERR_SECURITY_CORS_ORIGIN', /^Invalid cors\.origins entry 42/]
]

for (const [name, cors, code, message] of refused) {
  t.test(`${name} refuses to boot with ${code}`, async (t) => {
    const app = Fastify()
    t.teardown(() => app.close())
    await t.rejects(async () => { await app.register(security, { cors }) }, { code, message })
  })
}

t.test("'null' is accepted when forced, and a reflect-all regex without credentials boots", async (t) => {
  const app = await build(t, { origins: ['null', /^https:\/\/.+$/], allowNullOrigin: true })
  t.equal(await allowOriginFor(app, 'null'), 'null')
  t.equal(await allowOriginFor(app, 'https://any.test'), 'https://any.test')
})
