import t from 'tap'
import Fastify, { LogController, type FastifyInstance } from 'fastify'
import health from '@fastify-production/health'
import logging, { loggerOptions, requestIdOptions } from '../src/index.js'
import { capture, type Captured } from './build-app.js'

const PROBES = ['/health/live', '/health/ready', '/health/startup']

async function probeAndWork (app: FastifyInstance, logs: Captured): Promise<void> {
  app.get('/work', async () => 'ok')
  for (const url of PROBES) await app.inject({ url })
  await app.inject({ url: '/work' })
  await logs.next((l) => l.msg === 'request completed' && l.route === '/work')
}

const accessRoutes = (logs: Captured): unknown[] => logs.lines.filter((l) => l.msg === 'request completed').map((l) => l.route)

t.test('the real health package\'s probes write no access line, registered after logging (the umbrella\'s order)', async (t) => {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(), logger: loggerOptions({ stream: logs.stream }) })
  t.teardown(() => app.close())
  await app.register(logging)
  await app.register(health)
  await probeAndWork(app, logs)
  t.same(accessRoutes(logs), ['/work'])
})

t.test('and registered before logging: the route setting is read per request, not when routes are declared', async (t) => {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(), logger: loggerOptions({ stream: logs.stream }) })
  t.teardown(() => app.close())
  await app.register(health)
  await app.register(logging)
  await probeAndWork(app, logs)
  t.same(accessRoutes(logs), ['/work'])
})

t.test('the same with the onResponse hook (Fastify built without requestIdOptions(), its own lines off)', async (t) => {
  const logs = capture()
  const app = Fastify({ logger: loggerOptions({ stream: logs.stream }), logController: new LogController({ disableRequestLogging: true }) })
  t.teardown(() => app.close())
  await app.register(health)
  await app.register(logging)
  await probeAndWork(app, logs)
  t.same(accessRoutes(logs), ['/work'])
})
