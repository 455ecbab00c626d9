import t from 'tap'
import http, { type ClientRequest, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import pino from 'pino'
import { logCapture } from '@fastify-production/test-support'
import logging, { loggerOptions, requestIdOptions } from '../src/index.js'

// Secret values; none may appear in any line.
const BEARER = 'Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXVzZXI.s3cr3t-sig'
const PARTNER_COOKIE = 'partner_session=s3cr3t-cookie-value'
const API_KEY = 's3cr3t-api-key'
const PASSWORD = 's3cr3t-password'
const SECRETS = /s3cr3t/

/** A partner API on loopback: 401 with the partner's session cookie; `/drop` closes mid-answer. */
async function partner (t: { teardown: (fn: () => unknown) => void }): Promise<string> {
  const server = http.createServer((req, res) => {
    if (req.url === '/drop') {
      res.writeHead(200, { 'content-length': '100' })
      res.write('x')
      req.socket.destroy()
      return
    }
    res.writeHead(401, { 'set-cookie': [`${PARTNER_COOKIE}; HttpOnly`], 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
    res.end('{"error":"invalid_token"}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => server.close())
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** A real request through node:http, as axios's and got's Node adapters make them. */
async function nodeRequest (base: string, headers: Record<string, string>): Promise<{ request: ClientRequest, response: IncomingMessage }> {
  const request = http.request(`${base}/v1/orders`, { headers })
  request.end()
  const [response] = await once(request, 'response') as [IncomingMessage]
  response.resume()
  await once(response, 'end')
  return { request, response }
}

// axios: AxiosHeaders keeps headers as own properties and has toJSON(); AxiosError assigns its fields.
class AxiosHeaders {
  [name: string]: unknown
  constructor (headers: Record<string, unknown>) { Object.assign(this, headers) }
  toJSON (): Record<string, unknown> { return { ...this } }
}
class AxiosError extends Error {
  [key: string]: unknown
  constructor (message: string, code: string, config: unknown, request: unknown, response: { status: number }) {
    super()
    this.message = message
    this.name = 'AxiosError'
    this.code = code
    this.config = config
    this.request = request
    this.response = response
    this.status = response.status
  }
}

// got: Options keeps its state in `_internals` and writes it with toJSON(); RequestError hides
// `request` and `response` (non-enumerable) and keeps `options` and `timings`.
class GotOptions {
  readonly _internals: Record<string, unknown>
  constructor (internals: Record<string, unknown>) { this._internals = internals }
  get headers (): unknown { return this._internals.headers }
  toJSON (): Record<string, unknown> { return { ...this._internals } }
}
class GotHTTPError extends Error {
  [key: string]: unknown
  constructor (response: IncomingMessage & { request: unknown }, options: GotOptions) {
    super(`Response code ${String(response.statusCode)} (${String(response.statusMessage)})`)
    this.name = 'HTTPError'
    this.code = 'ERR_NON_2XX_3XX_RESPONSE'
    Object.defineProperty(this, 'request', { enumerable: false, value: response.request })
    Object.defineProperty(this, 'response', { enumerable: false, value: response })
    this.options = options
    this.timings = { start: 1, end: 2 }
  }
}

// undici's request() with throwOnError: the response headers on the error.
class ResponseStatusCodeError extends Error {
  [key: string]: unknown
  constructor (message: string, statusCode: number, headers: Record<string, unknown>, body: unknown) {
    super(message)
    this.name = 'ResponseStatusCodeError'
    this.code = 'UND_ERR_RESPONSE_STATUS_CODE'
    this.body = body
    this.status = statusCode
    this.statusCode = statusCode
    this.headers = headers
  }
}

function app () {
  const logs = logCapture()
  const fastify = Fastify({ ...requestIdOptions(), logger: loggerOptions({ stream: logs.stream }) })
  return { fastify, logs }
}

t.test('an axios error: Authorization, the raw request head and the partner\'s cookie are censored', async (t) => {
  const base = await partner(t)
  const { request, response } = await nodeRequest(base, { Authorization: BEARER, Accept: 'application/json', 'X-Api-Key': API_KEY })
  const config = { method: 'get', url: `${base}/v1/orders`, headers: new AxiosHeaders({ Accept: 'application/json', Authorization: BEARER, 'X-Api-Key': API_KEY }), auth: { username: 'svc', password: PASSWORD } }
  const axiosResponse = { status: 401, statusText: 'Unauthorized', headers: new AxiosHeaders(response.headers), config, request, data: { error: 'invalid_token' } }
  const err = new AxiosError('Request failed with status code 401', 'ERR_BAD_REQUEST', config, request, axiosResponse)
  t.match(request.getHeader('authorization'), BEARER, 'the request did carry the token')
  t.match((request as unknown as { _header: string })._header, 'Authorization: Bearer', 'in its raw head too')

  const { fastify, logs } = app()
  t.teardown(() => fastify.close())
  await fastify.register(logging)
  // The route lets the error through: Fastify's error handler logs it, as an app that forgot to catch it would.
  fastify.get('/orders', async () => { throw err })
  await fastify.inject('/orders')
  fastify.log.error({ err }, 'partner call failed')

  t.notMatch(logs.text(), SECRETS, 'no secret in any line')
  const line = logs.lines.find((l) => l.msg === 'partner call failed') as unknown as { err: Record<string, any> }
  t.match(line.err, {
    type: 'AxiosError',
    message: 'Request failed with status code 401',
    stack: /AxiosError: Request failed with status code 401/,
    code: 'ERR_BAD_REQUEST',
    status: 401,
    config: { method: 'get', url: `${base}/v1/orders`, headers: { Accept: 'application/json', Authorization: '[REDACTED]', 'X-Api-Key': '[REDACTED]' }, auth: { username: 'svc', password: '[REDACTED]' } },
    response: { status: 401, statusText: 'Unauthorized', headers: { 'set-cookie': '[REDACTED]', 'content-type': 'application/json' }, data: { error: 'invalid_token' } },
    request: { method: 'GET', path: '/v1/orders', _header: /^GET \/v1\/orders HTTP\/1\.1\r\nAuthorization: \[REDACTED\]\r\nAccept: application\/json\r\n/ }
  })
  t.match(line.err.request.res.rawHeaders, ['set-cookie', '[REDACTED]', 'content-type', 'application/json'], 'raw header lists keep names, lose secret values')
  const handled = logs.lines.find((l) => l.msg === 'Request failed with status code 401') as unknown as { err: Record<string, any> }
  t.match(handled.err, { type: 'AxiosError', status: 401, config: { headers: { Authorization: '[REDACTED]' } } }, 'Fastify\'s error handler line is censored the same way')
})

t.test('a got error: the options\' headers and credentials are censored', async (t) => {
  const base = await partner(t)
  const { request, response } = await nodeRequest(base, { authorization: BEARER, cookie: 'sid=s3cr3t-own-cookie' })
  const options = new GotOptions({ method: 'GET', url: `${base}/v1/orders`, headers: { 'user-agent': 'got', authorization: BEARER, cookie: 'sid=s3cr3t-own-cookie', 'proxy-authorization': 'Basic s3cr3t-proxy' }, username: 'svc', password: PASSWORD, timeout: { request: 5000 } })
  const err = new GotHTTPError(Object.assign(response, { request }), options)
  const { fastify, logs } = app()
  t.teardown(() => fastify.close())
  fastify.log.error({ err }, 'partner call failed')
  fastify.log.error(err)

  t.notMatch(logs.text(), SECRETS, 'no secret in any line')
  t.match(logs.lines[0], {
    msg: 'partner call failed',
    err: {
      type: 'GotHTTPError',
      name: 'HTTPError',
      message: 'Response code 401 (Unauthorized)',
      code: 'ERR_NON_2XX_3XX_RESPONSE',
      options: { method: 'GET', url: `${base}/v1/orders`, headers: { 'user-agent': 'got', authorization: '[REDACTED]', cookie: '[REDACTED]', 'proxy-authorization': '[REDACTED]' }, username: 'svc', password: '[REDACTED]', timeout: { request: 5000 } },
      timings: { start: 1, end: 2 }
    }
  })
  t.match(logs.lines[1], { msg: 'Response code 401 (Unauthorized)', err: { options: { headers: { authorization: '[REDACTED]' } } } }, 'an error logged as the first argument')
})

t.test('undici and fetch errors: response headers and the headers of a wrapped request are censored, causes kept', async (t) => {
  const base = await partner(t)
  const answer = await fetch(`${base}/v1/orders`, { headers: { authorization: BEARER } })
  const headers: Record<string, unknown> = { ...Object.fromEntries(answer.headers), 'set-cookie': answer.headers.getSetCookie() }
  t.match(headers['set-cookie'], [PARTNER_COOKIE], 'the partner did set its cookie')
  const statusError = new ResponseStatusCodeError('Response status code 401: Unauthorized', 401, headers, await answer.json())

  // A real fetch failure (the partner drops the connection), wrapped as ofetch and ky do: the
  // request options beside it, the failure as the cause.
  const failure = await fetch(`${base}/drop`, { headers: { authorization: BEARER } }).then(async (r) => await r.text()).catch((e: unknown) => e)
  t.type(failure, TypeError)
  const wrapped = Object.assign(new Error(`[GET] "${base}/drop"`, { cause: failure }), {
    options: { method: 'GET', headers: { authorization: BEARER, 'x-api-key': API_KEY } },
    // Raw header list, as undici's dispatcher takes them.
    rawHeaders: ['authorization', BEARER, 'accept', '*/*'],
    // A Headers instance writes as {}: nothing of it can leak.
    responseHeaders: new Headers({ 'set-cookie': PARTNER_COOKIE })
  })

  const { fastify, logs } = app()
  t.teardown(() => fastify.close())
  fastify.log.error({ err: statusError }, 'status')
  fastify.log.error({ err: wrapped }, 'wrapped')

  t.notMatch(logs.text(), SECRETS, 'no secret in any line')
  t.match(logs.lines[0], { err: { type: 'ResponseStatusCodeError', status: 401, statusCode: 401, code: 'UND_ERR_RESPONSE_STATUS_CODE', headers: { 'set-cookie': '[REDACTED]', 'content-type': 'application/json' }, body: { error: 'invalid_token' } } })
  t.match(logs.lines[1], {
    err: {
      message: `[GET] "${base}/drop": fetch failed: other side closed`,
      stack: /caused by: TypeError: fetch failed\n[^]*caused by: SocketError: other side closed/,
      options: { headers: { authorization: '[REDACTED]', 'x-api-key': '[REDACTED]' } },
      rawHeaders: ['authorization', '[REDACTED]', 'accept', '*/*'],
      responseHeaders: {}
    }
  })
})

t.test('errors without secrets are written as pino writes them', async (t) => {
  const serializeErr = (loggerOptions().serializers as { err: (e: unknown) => unknown }).err
  // VError keeps its cause behind a cause() method.
  const inner = new Error('inner')
  class VError extends Error {}
  Object.defineProperty(VError.prototype, 'cause', { value: () => inner })
  class Inherited extends Error {}
  Object.defineProperty(Inherited.prototype, 'fromPrototype', { enumerable: true, value: 'kept' })
  const circular: Error & { cause?: unknown } = new Error('loops')
  circular.cause = circular
  const nested = Object.assign(new Error('outer'), { inner: Object.assign(new Error('inner'), { code: 'E_INNER' }), detail: { at: new Date(0), tries: [1, 2] } })
  const selfHolding = Object.assign(new Error('self'), { me: undefined as unknown, raw: 'own raw', type: 'own type' })
  selfHolding.me = selfHolding
  const cases: Array<[string, unknown]> = [
    ['a plain Error', new Error('boom')],
    ['own properties', Object.assign(new Error('boom'), { code: 'E_BOOM', statusCode: 502, meta: { id: 7, tags: ['a'] }, nothing: null })],
    ['a cause', new Error('outer', { cause: new Error('inner') })],
    ['a cause assigned (enumerable)', Object.assign(new Error('outer'), { cause: new Error('inner') })],
    ['a cause that is no error', new Error('outer', { cause: { reason: 'quota' } })],
    ['a VError-style cause()', new VError('outer')],
    ['a cause chain that loops', circular],
    ['an AggregateError', new AggregateError([new Error('a'), 'not an error'], 'many')],
    ['errors under other keys', nested],
    ['an error holding itself, and own `raw` and `type`', selfHolding],
    ['an enumerable property on the prototype', new Inherited('x')],
    ['no stack', Object.assign(new Error('no stack'), { stack: undefined })],
    ['an error-like object', { message: 'like an error', code: 'E_LIKE' }],
    ['an error-like object without a prototype', Object.assign(Object.create(null) as object, { message: 'bare', name: 'BareError' })],
    ['something that is no error', { status: 'degraded' }]
  ]
  for (const [why, err] of cases) {
    t.equal(JSON.stringify(serializeErr(err)), JSON.stringify(pino.stdSerializers.err(err as Error)), why)
  }
  const serialized = serializeErr(nested) as { raw: unknown }
  t.equal(serialized.raw, nested, 'the error itself stays reachable as `raw`, unwritten')
})

t.test('depth, cycles, aggregated errors, strings and values that are no error', async (t) => {
  const serializeErr = (loggerOptions().serializers as { err: (e: unknown) => unknown }).err
  const deep = { l1: { l2: { l3: { l4: { l5: { l6: { authorization: BEARER } }, list: [[['x']]] } } } } }
  const cyclic: Record<string, unknown> = { headers: { cookie: PARTNER_COOKIE } }
  cyclic.self = cyclic
  const aggregate = new AggregateError([], 'several') as AggregateError & { errors: unknown[] }
  aggregate.errors.push(aggregate, Object.assign(new Error('one'), { headers: { Authorization: BEARER } }))
  const err = Object.assign(new Error('upstream failed'), { deep, cyclic, head: `POST /login HTTP/1.1\r\nHost: x\r\nCookie: ${PARTNER_COOKIE}\r\n  set-cookie : ${PARTNER_COOKIE}\r\n\r\n`, headers: { 'X-API-KEY': API_KEY, nothing: undefined, authorization: undefined }, Password: PASSWORD })
  const out = JSON.parse(JSON.stringify(serializeErr(err))) as Record<string, any>
  t.notMatch(JSON.stringify(out), SECRETS)
  t.same(out.deep.l1.l2.l3.l4.l5, { l6: '[Object]' }, 'objects past depth 6 are not written')
  t.same(out.deep.l1.l2.l3.l4.list, ['[Array]'])
  t.same(out.cyclic, { headers: { cookie: '[REDACTED]' }, self: '[Circular]' })
  t.equal(out.head, 'POST /login HTTP/1.1\r\nHost: x\r\nCookie: [REDACTED]\r\n  set-cookie : [REDACTED]\r\n\r\n', 'header lines of a raw head, any case and spacing')
  t.same(out.headers, { 'X-API-KEY': '[REDACTED]' }, 'absent values stay absent')
  t.equal(out.Password, '[REDACTED]', 'on the error itself, any case')
  const agg = JSON.parse(JSON.stringify(serializeErr(aggregate))) as { aggregateErrors: Array<Record<string, any>> }
  t.equal(agg.aggregateErrors[0], '[Circular]', 'an aggregate holding itself')
  t.match(agg.aggregateErrors[1], { message: 'one', headers: { Authorization: '[REDACTED]' } })

  t.same(serializeErr({ config: { headers: { Cookie: PARTNER_COOKIE } }, status: 500 }), { config: { headers: { Cookie: '[REDACTED]' } }, status: 500 }, 'an object that is no error (an error already turned to JSON)')
  t.equal(serializeErr(`GET / HTTP/1.1\nauthorization: ${BEARER}`), 'GET / HTTP/1.1\nauthorization: [REDACTED]', 'a string')
  t.equal(serializeErr(42), 42)
  const untouched = { config: { url: '/x', headers: { accept: '*/*' } } }
  t.equal(serializeErr(untouched), untouched, 'nothing to censor: the value itself, not a copy')
  t.same(untouched, { config: { url: '/x', headers: { accept: '*/*' } } })
})

t.test('keys added with redactKeys() are censored under errors too', async (t) => {
  const { fastify, logs } = app()
  t.teardown(() => fastify.close())
  await fastify.register(logging)
  fastify.logging.redactKeys(['partnerSecret'])
  fastify.log.error({ err: Object.assign(new Error('x'), { context: { partnerSecret: 's3cr3t-partner', PartnerSecret: 'other case kept' } }) }, 'keys')
  t.notMatch(logs.text(), SECRETS)
  t.match(logs.lines.at(-1), { err: { context: { partnerSecret: '[REDACTED]', PartnerSecret: 'other case kept' } } })
})
