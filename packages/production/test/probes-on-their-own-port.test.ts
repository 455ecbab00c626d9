import t from 'tap'
import Fastify from 'fastify'
import { main } from '../src/cli.js'
import production from '../src/index.js'

interface Check { id: string, status: string, reason: string, fix: string }

async function doctor (args: string[]): Promise<{ code: number, checks: Check[] }> {
  let out = ''
  const code = await main(['doctor', ...args, '--json'], (text) => { out += text })
  return { code, checks: (JSON.parse(out) as { checks: Check[] }).checks }
}

const byId = (checks: Check[], id: string): Check | undefined => checks.find((c) => c.id === id)

t.test('health: { port: 0 } through the umbrella: the probes answer on their own listener, and the doctor is told where', async (t) => {
  const app = Fastify()
  await app.register(production, { health: { port: 0 } })
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const probeUrl = `http://127.0.0.1:${app.health.address?.port as number}`

  t.equal((await fetch(`${probeUrl}/health/live`)).status, 200)
  t.equal((await fetch(`${probeUrl}/health/ready`)).status, 200)
  t.equal((await fetch(`${url}/health/live`)).status, 404, 'not on the app\'s port')

  const told = await doctor(['--url', url, '--health-url', probeUrl])
  t.match(byId(told.checks, 'http.liveness'), { status: 'pass' })
  t.match(byId(told.checks, 'http.readiness'), { status: 'pass' })
  t.match(byId(told.checks, 'http.headers-on-200'), { status: 'skip', reason: /a listener without the app's hooks/ }, 'the probe listener\'s 200 is not judged for the app\'s headers')
  t.match(byId(told.checks, 'http.headers-on-404'), { status: 'pass' })

  const untold = await doctor(['--url', url])
  t.match(byId(untold.checks, 'http.liveness'), { status: 'fail', reason: /→ 404/, fix: /pass --health-url/ }, 'without --health-url the doctor says where to look')

  const closedPort = await doctor(['--url', url, '--health-url', 'http://127.0.0.1:1', '--timeout', '500'])
  t.equal(closedPort.code, 1)
  t.match(byId(closedPort.checks, 'http.reachable'), { status: 'fail', reason: /no answer from http:\/\/127\.0\.0\.1:1/, fix: /--health-url/ })
})
