import t from 'tap'
import { rawExchange } from './helpers/raw-exchange.js'
import Fastify, { type FastifyServerOptions } from 'fastify'
import { problems } from '@fastify-production/core'
import security, { clientErrorHandler, frameworkErrorHandler, serverResponse } from '../src/index.js'

t.test('clientErrorHandler() adds the API headers to Fastify\'s 400 and 431 answers', async (t) => {
  const app = Fastify({ clientErrorHandler: clientErrorHandler() })
  t.teardown(() => app.close())
  await app.register(security)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  const malformed = await rawExchange(port, 'GARBAGE\r\n\r\n')
  t.match(malformed, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(malformed, /\r\nx-frame-options: DENY\r\n/)
  t.match(malformed, /\r\ncache-control: no-store\r\n/)
  t.match(malformed, /\r\n\r\n\{"error":"Bad Request","message":"Client Error","statusCode":400\}$/)

  const oversized = await rawExchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(oversized, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
  t.match(oversized, /\r\ncontent-security-policy: default-src 'none';frame-ancestors 'none'\r\n/)
})

t.test('clientErrorHandler() answers 408 on a request timeout, and nothing to a reset peer', async (t) => {
  const handler = clientErrorHandler({ cacheControl: false })
  const written: string[] = []
  let destroyed = 0
  const socket = { destroyed: false, writable: true, write (data: string) { written.push(data) }, destroy () { destroyed++ } }
  handler(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket as never)
  t.match(written[0], /^HTTP\/1\.1 408 Request Timeout\r\n/)
  t.notMatch(written[0], /cache-control/)
  t.equal(destroyed, 1)

  handler(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket as never)
  handler(new Error('x'), { ...socket, destroyed: true } as never)
  t.equal(written.length, 1)
  t.equal(destroyed, 1)

  handler(new Error('parse'), { ...socket, writable: false } as never)
  t.equal(written.length, 1, 'nothing written to a socket that cannot be written')
})

t.test('frameworkErrorHandler() answers bad URLs and long params with problem+json and the headers', async (t) => {
  const app = Fastify({ frameworkErrors: frameworkErrorHandler(), maxParamLength: 10 })
  t.teardown(() => app.close())
  await app.register(security)
  app.get('/items/:id', async () => 'x')

  const badUrl = await app.inject('/items/%E0%A4%A')
  t.equal(badUrl.statusCode, 400)
  t.equal(badUrl.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(badUrl.headers['x-frame-options'], 'DENY')
  t.match(badUrl.json(), { status: 400, code: 'BAD_REQUEST', detail: 'The URL could not be decoded.', instance: '/items/%E0%A4%A' })

  const long = await app.inject('/items/abcdefghijklmnop')
  t.equal(long.statusCode, 414)
  t.match(long.json(), { code: 'URI_TOO_LONG' })
  t.equal(long.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
})

t.test('frameworkErrorHandler() answers a failing async constraint with a generic 500', async (t) => {
  const app = Fastify({
    frameworkErrors: frameworkErrorHandler({ cacheControl: 'no-cache' }),
    constraints: {
      tenant: {
        name: 'tenant',
        storage () {
          const map = new Map<string, unknown>()
          return { get: (value: string) => map.get(value) ?? null, set: (value: string, store: unknown) => { map.set(value, store) } }
        },
        deriveConstraint (_request: unknown, _ctx: unknown, done: (err: Error | null, value?: string) => void) { done(new Error('tenant lookup failed: db=10.0.0.5')) },
        validate () {},
        mustMatchWhenDerived: false
      }
    } as unknown as FastifyServerOptions['constraints']
  })
  t.teardown(() => app.close())
  await app.register(security)
  app.get('/tenant', { constraints: { tenant: 'a' } }, async () => 'x')
  const res = await app.inject('/tenant')
  t.equal(res.statusCode, 500)
  t.match(res.json(), { code: 'INTERNAL_SERVER_ERROR', detail: 'An unexpected error occurred.' })
  t.notMatch(res.payload, /10\.0\.0\.5/)
  t.equal(res.headers['cache-control'], 'no-cache')
})

t.test('frameworkErrorHandler() writes through the app\'s problem writer: one typeBaseUrl for every problem', async (t) => {
  const app = Fastify({ frameworkErrors: frameworkErrorHandler() })
  t.teardown(() => app.close())
  await app.register(security)
  // What @fastify-production/errors does with its typeBaseUrl option.
  problems(app).typeBaseUrl = 'https://docs.example.com/errors/'
  app.get('/items/:id', async () => 'x')
  t.equal((await app.inject('/items/%E0%A4%A')).json().type, 'https://docs.example.com/errors/BAD_REQUEST')
})

t.test('serverResponse() adds the API headers to Node\'s own 400 for an HTTP/1.1 request without Host', async (t) => {
  const app = Fastify({ http: { ServerResponse: serverResponse() } })
  t.teardown(() => app.close())
  await app.register(security)
  app.get('/', async () => 'ok')
  app.get('/page', { config: { production: { headers: 'page' } } }, async () => 'page')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  const noHost = await rawExchange(port, 'GET / HTTP/1.1\r\n\r\n')
  t.match(noHost, /^HTTP\/1\.1 400 Bad Request\r\n/, 'Node still refuses it')
  t.match(noHost, /\r\nconnection: close\r\n/i)
  t.match(noHost, /\r\nx-frame-options: DENY\r\n/)
  t.match(noHost, /\r\nx-content-type-options: nosniff\r\n/)
  t.match(noHost, /\r\nstrict-transport-security: max-age=31536000; includeSubDomains\r\n/)
  t.match(noHost, /\r\ncache-control: no-store\r\n/)
  t.notMatch(noHost, /\r\n\r\n.*ok/s, 'no route ran')

  // HTTP/1.0 needs no Host: routed as usual, its headers from the route's policy, nothing preset.
  const http10 = await rawExchange(port, 'GET /page HTTP/1.0\r\n\r\n')
  t.match(http10, /^HTTP\/1\.1 200 OK\r\n/)
  t.match(http10, /\r\nx-frame-options: SAMEORIGIN\r\n/)
  t.notMatch(http10, /cache-control/i)

  const withHost = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  t.match(withHost, /^HTTP\/1\.1 200 OK\r\n/)
  t.equal(withHost.match(/x-frame-options/gi)?.length, 1, 'each header once')
})

t.test('serverResponse() takes the headers options', async (t) => {
  const app = Fastify({ http: { ServerResponse: serverResponse({ cacheControl: false, api: { xFrameOptions: { action: 'sameorigin' } } }) } })
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const noHost = await rawExchange((app.server.address() as { port: number }).port, 'GET / HTTP/1.1\r\n\r\n')
  t.match(noHost, /^HTTP\/1\.1 400 Bad Request\r\n/)
  t.match(noHost, /\r\nx-frame-options: SAMEORIGIN\r\n/)
  t.notMatch(noHost, /cache-control/i)
})
