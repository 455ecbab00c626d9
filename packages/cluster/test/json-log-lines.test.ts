import t from 'tap'
import { createLog } from '../src/log.js'

t.test('one JSON line per call, at or above the level, in the app\'s format: level label, ISO time', async (t) => {
  const lines: string[] = []
  const log = createLog('warn', (line) => { lines.push(line) })
  log.info({ a: 1 }, 'hidden')
  log.debug({}, 'hidden too')
  log.warn({ worker: 7 }, 'shown')
  log.error({}, 'also shown')
  log.fatal({}, 'and this')
  t.equal(lines.length, 3)
  t.ok(lines.every((l) => l.endsWith('\n')))
  const first = JSON.parse(lines[0] as string)
  t.match(first, { level: 'warn', pid: process.pid, name: '@fastify-production/cluster', worker: 7, msg: 'shown' })
  t.match(first.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  t.same(Object.keys(first).slice(0, 4), ['level', 'time', 'pid', 'hostname'], 'in the order pino writes them')
  t.same(lines.slice(1).map((l) => JSON.parse(l).level), ['error', 'fatal'])
})

t.test('errors are serialized with type, message, stack and code', async (t) => {
  const lines: string[] = []
  const log = createLog('debug', (line) => { lines.push(line) })
  log.debug({ err: Object.assign(new TypeError('boom'), { code: 'E_BOOM' }) }, 'with error')
  log.debug({ err: 'a string' }, 'not an Error')
  const [withError, withString] = lines.map((l) => JSON.parse(l))
  t.match(withError.err, { type: 'TypeError', message: 'boom', code: 'E_BOOM', stack: /TypeError: boom/ })
  t.equal(withError.level, 'debug')
  t.equal(withString.err, 'a string')
})

t.test('silent writes nothing; the default writer is stdout', async (t) => {
  const lines: string[] = []
  const silent = createLog('silent', (line) => { lines.push(line) })
  silent.fatal({}, 'nothing')
  t.equal(lines.length, 0)
  const write = process.stdout.write
  const seen: string[] = []
  process.stdout.write = ((chunk: string) => { seen.push(chunk); return true }) as typeof process.stdout.write
  try {
    createLog('info').info({}, 'to stdout')
  } finally {
    process.stdout.write = write
  }
  t.match(seen[0], /"msg":"to stdout"/)
})
