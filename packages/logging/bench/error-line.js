// What one log line costs with loggerOptions()' `err` serializer against pino's standard one, for a
// line without an error, a plain Error, and an axios-shaped error holding a real ClientRequest and
// its response. Build first (`npx tsc -b packages/logging`), then: node packages/logging/bench/error-line.js
// Not a test: numbers depend on the machine. Rounds alternate the two loggers so a busy minute hits both.
import http from 'node:http'
import { once } from 'node:events'
import pino from 'pino'
import { loggerOptions } from '../dist/index.js'

const ROUNDS = 7
const sink = { write () {} }
// As Fastify builds it: pino(options, options.stream).
const after = pino(loggerOptions({ stream: sink }), sink)
// Fastify's default when the options name no `err` serializer: pino-std-serializers' `err`.
const before = pino({ ...loggerOptions({ stream: sink }), serializers: { err: pino.stdSerializers.err } }, sink)

async function axiosShapedError () {
  const server = http.createServer((req, res) => {
    res.writeHead(401, { 'set-cookie': ['sid=partner-session; HttpOnly'], 'content-type': 'application/json' })
    res.end('{"error":"invalid_token"}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const request = http.request({ host: '127.0.0.1', port: server.address().port, path: '/v1/orders', headers: { Authorization: 'Bearer abc.def.ghi', Accept: 'application/json' } })
  request.end()
  const [response] = await once(request, 'response')
  response.resume()
  await once(response, 'end')
  server.close()
  class AxiosHeaders {
    constructor (headers) { Object.assign(this, headers) }
    toJSON () { return { ...this } }
  }
  const config = { method: 'get', url: '/v1/orders', headers: new AxiosHeaders({ Accept: 'application/json', Authorization: 'Bearer abc.def.ghi' }) }
  const err = new Error('Request failed with status code 401')
  Object.assign(err, { name: 'AxiosError', code: 'ERR_BAD_REQUEST', config, request, response: { status: 401, headers: new AxiosHeaders(response.headers), config, request, data: { error: 'invalid_token' } }, status: 401 })
  return err
}

function nsPerLine (log, line, iterations) {
  const start = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) line(log)
  return Number(process.hrtime.bigint() - start) / iterations
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const plain = new Error('boom')
const upstream = await axiosShapedError()
const cases = [
  ['no err', (log) => log.info({ userId: 42, orderId: 'o-1' }, 'order placed'), 200_000],
  ['err: new Error()', (log) => log.error({ err: plain }, 'failed'), 50_000],
  ['err: axios-shaped, real ClientRequest', (log) => log.error({ err: upstream }, 'partner call failed'), 2_000]
]

console.log(`Node ${process.version}, median of ${ROUNDS} rounds, ns per line (pino, loggerOptions(), destination discards)`)
console.log('| line | pino\'s err serializer | loggerOptions()\' err serializer |')
console.log('|---|---|---|')
for (const [name, line, iterations] of cases) {
  nsPerLine(before, line, iterations)
  nsPerLine(after, line, iterations)
  const b = []
  const a = []
  for (let r = 0; r < ROUNDS; r++) {
    b.push(nsPerLine(before, line, iterations))
    a.push(nsPerLine(after, line, iterations))
  }
  console.log(`| ${name} | ${Math.round(median(b))} | ${Math.round(median(a))} |`)
}
