import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import { loggerOptions, stdoutDestination } from '../src/index.js'
import { buildLoggerOptions } from '../src/logger-options.js'

t.test('pretty: true writes human-readable lines, still redacted', async (t) => {
  const out: string[] = []
  const app = Fastify({ logger: loggerOptions({ pretty: true, stream: { write: (line: string) => out.push(line) } }) })
  t.teardown(() => app.close())
  app.log.info({ password: 'hunter2', orderId: 7 }, 'order placed')
  t.equal(out.length, 1)
  t.match(out[0], /INFO.*order placed/)
  t.match(out[0], /orderId: 7/)
  t.notMatch(out[0], /hunter2/)
  t.throws(() => JSON.parse(out[0] as string), 'not JSON')
})

t.test('pretty is off unless asked for; without a stream it goes to stdout', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: loggerOptions({ stream: logs.stream }) })
  t.teardown(() => app.close())
  app.log.info('json')
  t.equal(logs.lines[0]?.msg, 'json')
  t.type(loggerOptions({ pretty: true }).stream?.write, 'function')
  t.equal(loggerOptions().stream, stdoutDestination(), 'the batched stdout destination, one per process')
})

t.test('pretty: true without pino-pretty installed fails with FP_ERR_LOGGING_PRETTY_MISSING', async (t) => {
  // This workspace always has pino-pretty (and pnpm's NODE_PATH finds it from anywhere), so the
  // loader plays a production image without dev dependencies: require() fails as Node's does.
  const notInstalled = (id: string): never => {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' })
  }
  t.throws(() => buildLoggerOptions({ pretty: true }, notInstalled), { code: 'FP_ERR_LOGGING_PRETTY_MISSING', message: /MODULE_NOT_FOUND.*npm install -D pino-pretty/ })
  t.throws(() => buildLoggerOptions({ pretty: true }, () => { throw new Error('broken install') }), { code: 'FP_ERR_LOGGING_PRETTY_MISSING', message: /broken install/ })
  t.ok(buildLoggerOptions({ pretty: false }, notInstalled), 'not needed when pretty is off')
})
