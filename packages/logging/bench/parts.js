// Nanoseconds per operation of the per-request parts this package changed, old way against new,
// in one process, rounds alternating the two; the quickest round of each is kept (other work on a
// shared machine only adds time). Build first (`npx tsc -b packages/logging`), then:
//   node packages/logging/bench/parts.js
// Not a test: numbers depend on the machine.
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { requestLoggerFactory, withTraceIds } from '../dist/request-logger.js'
import { jsonMillis, routeConfigReader } from '../dist/access-log.js'
import { loggerOptions, requestIdOptions } from '../dist/index.js'

const require = createRequire(fileURLToPath(import.meta.url))
const Fastify = require('fastify')
const pino = createRequire(require.resolve('fastify'))('pino')

const ROUNDS = 15
const root = pino(loggerOptions({ stream: { write () {} } }))
const factory = requestLoggerFactory('reqId')
let sink

// A real request of a real app, to read its route config.
const app = Fastify({ ...requestIdOptions(), logger: false })
let request
app.get('/hello', async (req) => { request = req; return 'ok' })
await app.inject({ url: '/hello' })
const readConfig = routeConfigReader()

const parts = [
  ['request logger', 10_000,
    (i) => { sink = root.child({ reqId: `9f86d081884c-${i}` }, {}) },
    (i) => { sink = factory(root, { reqId: `9f86d081884c-${i}` }, {}) }],
  ['trace ids bound to it', 10_000,
    () => { sink = root.child({ reqId: 'a-1' }, {}).child({ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' }) },
    () => { sink = withTraceIds(factory(root, { reqId: 'a-1' }, {}), '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331') }],
  ['route config for the access line', 10_000,
    () => { sink = request.routeOptions.config },
    () => { sink = readConfig(request) }],
  ['responseTime in the access line', 10_000,
    (i) => { const t = Math.round((0.2 + i * 0.0137) * 1000) / 1000; sink = Number.isFinite(t) ? String(t) : 'null' },
    (i) => { sink = jsonMillis(Math.round((0.2 + i * 0.0137) * 1000)) }]
]

function nsPerOp (fn, n) {
  const start = process.cpuUsage()
  for (let i = 0; i < n; i++) fn(i)
  const used = process.cpuUsage(start)
  return (used.user + used.system) * 1000 / n
}

console.log(`Node ${process.version}, quickest of ${ROUNDS} rounds, ns of CPU per operation`)
console.log('| part | before | after |')
console.log('|---|---|---|')
for (const [name, n, before, after] of parts) {
  const b = []
  const a = []
  for (let r = 0; r < ROUNDS; r++) {
    b.push(nsPerOp(before, n * 10))
    a.push(nsPerOp(after, n * 10))
  }
  console.log(`| ${name} | ${Math.round(Math.min(...b))} | ${Math.round(Math.min(...a))} |`)
}
if (sink === undefined) console.log('')
