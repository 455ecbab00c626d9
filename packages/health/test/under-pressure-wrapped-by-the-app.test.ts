import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import { logCapture } from '@fastify-production/test-support'
import health from '../src/index.js'

// What fastify/demo does: wrapping the shared plugin function again replaces its metadata (its name
// too) for every app in the process. Module-level, as an app's plugin file is imported once.
const appUnderPressure = fp(underPressure, { dependencies: ['database'] })
const database = fp(async function database () {}, { name: 'database' })

t.test('two apps in one process, each with the app\'s re-wrapped under-pressure: both boot with health', async (t) => {
  for (const n of [1, 2]) {
    const logs = logCapture()
    const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
    t.teardown(() => app.close())
    await app.register(database)
    await app.register(appUnderPressure, { maxEventLoopDelay: 60_000 })
    await app.register(health)
    app.get('/orders', async () => 'orders')
    await app.ready()
    t.equal(app.hasPlugin('@fastify/under-pressure'), false, `app ${n}: the wrapping took the plugin's name`)
    t.equal(typeof app.isUnderPressure, 'function', `app ${n}: under-pressure runs`)
    t.equal((await app.inject('/health/ready')).statusCode, 200, `app ${n}: health runs`)
    t.ok(logs.lines.some((l) => /it sheds load, health only measures/.test(l.msg ?? '')), `app ${n}: found by its decorators`)
  }
})
