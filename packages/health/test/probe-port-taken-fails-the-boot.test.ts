import t from 'tap'
import Fastify from 'fastify'
import { createServer } from 'node:net'
import { once } from 'node:events'
import health from '../src/index.js'

t.test('a probe port already taken fails the boot with FP_ERR_HEALTH_LISTEN, the listen error as its cause', async (t) => {
  const blocker = createServer()
  blocker.listen(0, '127.0.0.1')
  await once(blocker, 'listening')
  t.teardown(() => blocker.close())
  const port = (blocker.address() as { port: number }).port

  const app = Fastify()
  await app.register(health, { port })
  await t.rejects(async () => { await app.ready() }, {
    code: 'FP_ERR_HEALTH_LISTEN',
    message: new RegExp(`^The health probe listener cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE.*Give \`port\` a free port`),
    cause: { code: 'EADDRINUSE' }
  })
  t.equal(app.health.address, null)
  await app.close()
  t.pass('the app still closes')
})
