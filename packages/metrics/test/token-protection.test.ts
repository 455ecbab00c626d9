import t, { type Test } from 'tap'
import Fastify from 'fastify'
import crypto from 'node:crypto'
import { problems } from '@fastify-production/core'
import metrics from '../src/index.js'
import { parseExposition } from './exposition.js'

const TOKEN = 's3cret-token-for-scrapes'

async function app (t: Test) {
  const fastify = Fastify()
  t.teardown(() => fastify.close())
  await fastify.register(metrics, { token: TOKEN })
  fastify.get('/x', async () => 'x')
  return fastify
}

t.test('without, with a wrong, or with a malformed Authorization header: 401 problem+json', async (t) => {
  const fastify = await app(t)
  const cases: Array<Record<string, string>> = [
    {},
    { authorization: 'Bearer wrong' },
    { authorization: `Bearer ${TOKEN}x` },
    { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
    { authorization: `Basic ${TOKEN}` },
    { authorization: TOKEN },
    { authorization: 'Bearer ' },
    { authorization: `Bearer ${TOKEN} extra` }
  ]
  for (const headers of cases) {
    const res = await fastify.inject({ url: '/metrics?x=1', headers })
    t.equal(res.statusCode, 401, JSON.stringify(headers))
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.headers['www-authenticate'], 'Bearer realm="metrics"')
    const body = res.json()
    t.same(body, {
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'A valid bearer token is required.',
      instance: '/metrics',
      code: 'UNAUTHORIZED',
      requestId: body.requestId
    })
    t.match(body.requestId, /^req-/, 'the id of this request')
    t.notMatch(res.body, /http_request_duration_seconds/)
  }
})

t.test('the right token (scheme case-insensitive) gets the exposition', async (t) => {
  const fastify = await app(t)
  await fastify.inject('/x')
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const res = await fastify.inject({ url: '/metrics', headers: { authorization: `${scheme} ${TOKEN}` } })
    t.equal(res.statusCode, 200)
    t.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
    t.equal(parseExposition(res.body).sum('http_request_duration_seconds_count', { route: '/x' }), 1)
  }
})

t.test('the token is compared with crypto.timingSafeEqual on equal-length digests, whatever was sent', async (t) => {
  const fastify = await app(t)
  const original = crypto.timingSafeEqual
  const lengths: Array<[number, number]> = []
  crypto.timingSafeEqual = (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView): boolean => {
    lengths.push([a.byteLength, b.byteLength])
    return original(a, b)
  }
  t.teardown(() => { crypto.timingSafeEqual = original })
  await fastify.inject({ url: '/metrics' })
  await fastify.inject({ url: '/metrics', headers: { authorization: 'Bearer x' } })
  await fastify.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN.repeat(50)}` } })
  await fastify.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
  t.same(lengths, [[32, 32], [32, 32], [32, 32], [32, 32]], 'one comparison per request, always 32 bytes against 32')
})

t.test('other routes are untouched by the token', async (t) => {
  const fastify = await app(t)
  t.equal((await fastify.inject('/x')).statusCode, 200)
})

t.test('the 401 comes from the app\'s one problem writer: the type base the errors package sets applies, on the app and on the listener', async (t) => {
  const fastify = await app(t)
  problems(fastify).typeBaseUrl = 'https://errors.example.com/'
  const res = await fastify.inject({ url: '/metrics' })
  t.equal(res.json().type, 'https://errors.example.com/UNAUTHORIZED')

  const separate = Fastify()
  t.teardown(() => separate.close())
  await separate.register(metrics, { port: 0, token: TOKEN })
  problems(separate).typeBaseUrl = 'https://errors.example.com/'
  await separate.ready()
  const address = separate.metrics.address as { port: number }
  const denied = await fetch(`http://127.0.0.1:${address.port}/metrics`)
  t.equal(denied.status, 401)
  t.match(await denied.json(), { type: 'https://errors.example.com/UNAUTHORIZED', code: 'UNAUTHORIZED', instance: '/metrics' })
})
