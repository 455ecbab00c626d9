import t from 'tap'
import Fastify from 'fastify'
import { logCapture } from '@fastify-production/test-support'
import production, { serverOptions } from '../../src/index.js'

t.test('an app that kept Fastify\'s own request logging gets Fastify\'s two lines, not a third', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(production)
  app.get('/x', async () => 'x')
  await app.ready()
  const before = logs.lines.length
  await app.inject('/x')
  const lines = logs.lines.slice(before)
  t.equal(lines.length, 2, lines.map((l) => l.msg).join(' | '))
  t.ok(logs.lines.some((l) => /request logging/.test(String(l.msg))), 'one line at ready says how to get one access line')
})

t.test('with serverOptions(): one access line per request, at info even for a 5xx (the error line carries the error)', async (t) => {
  const logs = logCapture()
  const app = Fastify(serverOptions({ logger: { level: 'info', stream: logs.stream } }))
  t.teardown(() => app.close())
  await app.register(production)
  app.get('/boom', async () => { throw new Error('boom') })
  await app.ready()
  const before = logs.lines.length
  await app.inject('/boom')
  const lines = logs.lines.slice(before)
  t.equal(lines.filter((l) => l.level >= 50).length, 1, 'one error line per 5xx')
  t.equal(lines.filter((l) => l.level === 30).length, 1, 'one access line')
})
