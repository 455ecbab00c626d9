import t from 'tap'
import Fastify from 'fastify'
import shutdown from '@fastify-production/shutdown'
import { findLifecycle } from '@fastify-production/core'
import dependencies from '../src/index.js'
import { logLines } from './log-lines.js'

t.test('a critical dependency that does not connect within startup.deadline: one error line, then shutdown closes the app and exits 1', async (t) => {
  const log = logLines()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  let exited!: (code: number) => void
  const exitCode = new Promise<number>((resolve) => { exited = resolve })
  await app.register(dependencies, {
    db: { connect: () => { throw new Error('refused') }, startup: { deadline: 300, initialDelay: 20, maxDelay: 50 } }
  })
  await app.register(shutdown, { exit: (code: number) => { exited(code) } })
  await app.ready()
  t.equal(await exitCode, 1, 'closing an app whose critical dependency never came up is a failure')
  const line = await log.next((l) => l.code === 'FP_ERR_DEPENDENCIES_STARTUP')
  t.match(line, { level: 50, dependency: 'db', msg: /^Dependency db did not connect within 300 ms of start: \d+ attempts failed$/ })
  t.equal(findLifecycle(app)?.state, 'closed')
  t.equal(app.dependencies.get('db').status, 'closed')
})

t.test('without shutdown: the line, and the app stays starting (readiness 503) for the platform to restart it', async (t) => {
  const log = logLines()
  const app = Fastify({ logger: { level: 'info', stream: log.stream } })
  t.teardown(() => app.close().catch(() => {}))
  await app.register(dependencies, {
    db: { connect: () => { throw new Error('refused') }, startup: { deadline: 100, initialDelay: 20, maxDelay: 50 } }
  })
  await app.ready()
  await log.next((l) => l.code === 'FP_ERR_DEPENDENCIES_STARTUP')
  t.equal(app.dependencies.get('db').status, 'failed')
  t.equal(findLifecycle(app)?.state, 'starting')
  await t.rejects(app.close(), { code: 'FP_ERR_DEPENDENCIES_STARTUP' }, 'app.close() reports it')
})
