import t, { type Test } from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { createServer } from 'node:http'
import { main } from '../src/cli.js'
import { insideNetwork, ownBucketResult } from '../src/doctor/http-checks.js'
import production, { serverOptions } from '../src/index.js'

interface Check { id: string, status: string, reason: string, fix: string }

async function forwardedCheck (url: string): Promise<Check | undefined> {
  let text = ''
  await main(['doctor', '--url', url, '--json'], (chunk) => { text += chunk })
  return (JSON.parse(text) as { checks: Check[] }).checks.find((c) => c.id === 'http.forwarded-for')
}

async function serve (t: Test, trustProxy: boolean | string[]): Promise<string> {
  const app: FastifyInstance = Fastify({ ...serverOptions(), trustProxy, logger: false })
  await app.register(production)
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
}

t.test('the security package\'s rate limit without trustProxy: a forged X-Forwarded-For shares this client\'s bucket', async (t) => {
  t.match(await forwardedCheck(await serve(t, false)), { status: 'pass', reason: /^one bucket: ratelimit-remaining \d+ for this client, \d+ with a forged X-Forwarded-For$/ })
})

t.test('trustProxy: true (refused in production, allowed here): the forged address gets a fresh bucket; from loopback a warning that says why', async (t) => {
  t.match(await forwardedCheck(await serve(t, true)), {
    status: 'warn',
    reason: /^a bucket of its own \(ratelimit-remaining \d+ for this client, 99 with a forged X-Forwarded-For\).*127\.0\.0\.1 is this machine or a private network/,
    fix: /addresses or CIDR.*never true/
  })
})

t.test('a trusted range that covers this client believes it too: the same warning', async (t) => {
  t.match(await forwardedCheck(await serve(t, ['127.0.0.0/8'])), { status: 'warn' })
})

t.test('no ratelimit-remaining header, or this client already limited: nothing to compare, skipped', async (t) => {
  const limiter: { remaining?: string } = {}
  const server = createServer((_req, res) => {
    res.writeHead(404, limiter.remaining === undefined ? {} : { 'ratelimit-limit': '100', 'ratelimit-remaining': limiter.remaining }).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  t.match(await forwardedCheck(url), { status: 'skip', reason: 'no ratelimit-remaining header to compare' })
  limiter.remaining = '0'
  t.match(await forwardedCheck(url), { status: 'skip', reason: /rate limited right now/ })
})

t.test('seen from a public address, a bucket of its own is a failure', async (t) => {
  t.match(ownBucketResult('api.example.com', 'ratelimit-remaining 90 for this client, 99 with a forged X-Forwarded-For'), { status: 'fail', reason: /^a bucket of its own \(ratelimit-remaining 90.*\): any client picks its address and a fresh budget$/ })
})

t.test('insideNetwork: loopback, private and link-local addresses and localhost; not names or public addresses', async (t) => {
  for (const host of ['localhost', '127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '100.64.0.1', '169.254.1.1', '[::1]', '[fd00::1]', '[fe80::1]', new URL('http://[::ffff:10.1.2.3]').hostname]) {
    t.ok(insideNetwork(host), host)
  }
  for (const host of ['api.example.com', '203.0.113.5', '[2001:db8::1]', new URL('http://[::ffff:203.0.113.5]').hostname]) {
    t.notOk(insideNetwork(host), host)
  }
})
