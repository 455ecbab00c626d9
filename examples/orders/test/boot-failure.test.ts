import t from 'tap'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { freePort } from '@fastify-production/test-support/free-port'
import { runServer } from './server-process.js'

t.setTimeout(300_000)

const SECRET = 'sup3r-s3cret-pw'

/** A port some other process listens on, for the test's duration. */
async function taken (): Promise<number> {
  const other = createServer()
  other.listen(0, '127.0.0.1')
  await once(other, 'listening')
  t.teardown(() => { other.close() })
  return (other.address() as AddressInfo).port
}

const cases: Array<{ name: string, env: () => Promise<NodeJS.ProcessEnv>, code: string, message: RegExp }> = [
  {
    name: 'a bad configuration (one process)',
    env: async () => ({ DEMO_PASSWORD: 'short-pw' }),
    code: 'FP_ERR_CONFIG_INVALID',
    message: /^the app failed to start: Invalid configuration: DEMO_PASSWORD: shorter than 12 characters$/
  },
  {
    name: 'a bad configuration (WEB_CONCURRENCY=2)',
    env: async () => ({ WEB_CONCURRENCY: '2', NODE_ENV: 'production', DEMO_PASSWORD: SECRET }),
    code: 'FP_ERR_CONFIG_INVALID',
    message: /^the app failed to start: Invalid configuration: .*METRICS_TOKEN: missing \(required in production\)/
  },
  {
    // Also what a DATABASE_URL that is not a URL gets: the variable is named, its value (a password) never shown.
    name: 'a DATABASE_URL that is no URL (WEB_CONCURRENCY=2)',
    env: async () => ({ WEB_CONCURRENCY: '2', DATABASE_URL: `postgres://orders:${SECRET}@db/orders with a space` }),
    code: 'FP_ERR_CONFIG_INVALID',
    message: /^the app failed to start: Invalid configuration: DATABASE_URL: not a valid uri$/
  },
  {
    name: 'the port taken by another process (one process)',
    env: async () => ({ PORT: String(await taken()) }),
    code: 'EADDRINUSE',
    message: /^the app failed to start: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+$/
  },
  {
    name: 'the port taken by another process (WEB_CONCURRENCY=2: every worker fails to listen)',
    env: async () => ({ WEB_CONCURRENCY: '2', PORT: String(await taken()) }),
    code: 'EADDRINUSE',
    message: /^the app failed to start: (listen|bind) EADDRINUSE.* 127\.0\.0\.1:\d+$/
  }
]

for (const c of cases) {
  t.test(`${c.name}: one JSON line with the code and what to fix, no secret, exit 1`, async (t) => {
    const server = runServer(t, { PORT: String(await freePort()), ...await c.env() })
    const { code, stdout, stderr } = await server.exit
    t.equal(code, 1, 'exit code 1')
    t.equal(stderr, '', 'nothing on stderr: no raw stack')
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const fatal = lines.filter((l) => l.level === 'fatal')
    t.equal(fatal.length, 1, 'one fatal line')
    t.match(fatal[0], { code: c.code, msg: c.message, time: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/ })
    t.notOk(stdout.includes(SECRET) || stdout.includes('short-pw'), 'no secret value in the output')
    t.notOk(lines.some((l) => /died|restarting|crash loop/.test(String(l.msg))), 'a failed boot is not restarted')
  })
}
