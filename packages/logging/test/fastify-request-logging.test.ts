import t from 'tap'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import logging, { FASTIFY_REQUEST_LOGGING_ON, loggerOptions, requestIdOptions } from '../src/index.js'
import { fastifyLogsRequests, logControllerOf } from '../src/request-logging.js'
import { capture, type Captured } from './build-app.js'

// Fastify's own line and ours share the message: ours has `route`/`method`, Fastify's has `res`.
const ours = (logs: Captured) => logs.lines.filter((l) => l.msg === 'request completed' && 'method' in l)
const fastifys = (logs: Captured) => logs.lines.filter((l) => l.msg === 'incoming request' || (l.msg === 'request completed' && 'res' in l))

async function serve (app: FastifyInstance): Promise<void> {
  app.get('/orders/:id', async () => ({ id: 7 }))
  await app.ready()
  await app.inject({ url: '/orders/7' })
}

t.test('an app that kept Fastify\'s request logging (logger: true): its two lines stay, no third, one info line at ready', async (t) => {
  const logs = capture()
  const app = Fastify({ logger: loggerOptions({ stream: logs.stream }) })
  t.teardown(() => app.close())
  await app.register(logging)
  await serve(app)
  await logs.next((l) => l.msg === 'request completed')
  t.equal(fastifys(logs).length, 2, 'Fastify\'s incoming request and request completed')
  t.same(ours(logs), [], 'no access line of ours beside them')
  t.same(logs.lines.filter((l) => l.msg === FASTIFY_REQUEST_LOGGING_ON).map((l) => l.level), ['info'], 'said once, at info')
  t.equal(FASTIFY_REQUEST_LOGGING_ON, 'Fastify\'s request logging is on; use serverOptions()/requestIdOptions() for one access line per request')
  t.notOk(logs.lines.some((l) => l.level as unknown === 'warn'), 'no other line about it')
  const res = await app.inject({ url: '/orders/7', headers: { 'x-request-id': 'kept-1' } })
  t.equal(res.headers['x-request-id'], 'req-2', 'ids are Fastify\'s own, echoed')
})

t.test('disableRequestLogging as a function leaves Fastify\'s lines on for the other requests: still composed', async (t) => {
  const logs = capture()
  const app = Fastify({ logger: loggerOptions({ stream: logs.stream }), logController: new LogController({ disableRequestLogging: (req) => req.url === '/quiet' }) })
  t.teardown(() => app.close())
  await app.register(logging)
  await serve(app)
  await logs.next((l) => l.msg === 'request completed')
  t.same(ours(logs), [])
  t.ok(logs.lines.some((l) => l.msg === FASTIFY_REQUEST_LOGGING_ON))
})

t.test('Fastify\'s request logging turned off without requestIdOptions(): the access line, and a warning about ids', async (t) => {
  const logs = capture()
  const app = Fastify({ logger: loggerOptions({ stream: logs.stream }), logController: new LogController({ disableRequestLogging: true }) })
  t.teardown(() => app.close())
  await app.register(logging)
  await serve(app)
  const line = await logs.next((l) => l.msg === 'request completed')
  t.match(line, { level: 'info', method: 'GET', route: '/orders/:id', statusCode: 200, reqId: 'req-1' })
  t.same(fastifys(logs), [])
  t.match(logs.lines.find((l) => l.level as unknown === 'warn'), { msg: /without requestIdOptions\(\)/ })
  t.notOk(logs.lines.some((l) => l.msg === FASTIFY_REQUEST_LOGGING_ON))
})

t.test('requestIdOptions(): one access line per request and nothing said about Fastify\'s lines', async (t) => {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(), logger: loggerOptions({ stream: logs.stream }) })
  t.teardown(() => app.close())
  await app.register(logging)
  await serve(app)
  await logs.next((l) => l.msg === 'request completed')
  t.equal(ours(logs).length, 1)
  t.same(fastifys(logs), [])
  t.same(logs.lines.filter((l) => l.msg !== 'request completed'), [], 'no line at boot')
})

t.test('how the setting is read: Fastify\'s LogController, found on the instance; before Fastify 5.12, initialConfig', async (t) => {
  const plain = Fastify()
  t.type(logControllerOf(plain), LogController, 'pinned against the installed Fastify')
  const built = Fastify(requestIdOptions())
  t.equal(fastifyLogsRequests(built, requestIdOptions().logController), true, 'another LogController than the app\'s: its setting counts')
  t.equal(fastifyLogsRequests(built, logControllerOf(built) as object), false)
  const older = (disableRequestLogging: boolean) => ({ initialConfig: { disableRequestLogging } }) as unknown as FastifyInstance
  t.equal(fastifyLogsRequests(older(false), undefined), true)
  t.equal(fastifyLogsRequests(older(true), undefined), false)
})
