import t, { type Test } from 'tap'
import { once } from 'node:events'
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../src/app.js'

// Linux routes all of 127.0.0.0/8 to the loopback interface: each client below binds its own
// source address, so the app and the proxy see distinct peers, as behind a real ingress.
const PROXY_ADDRESS = '127.0.0.1'
const ALICE = '127.0.0.2'
const BOB = '127.0.0.3'
const OUTSIDER = '127.0.0.9'

const secrets = { DEMO_PASSWORD: 's3cret-passw0rd', AUTH_TOKEN_SECRET: 'k'.repeat(32) }

function portOf (server: Server | { address: () => AddressInfo | string | null }): number {
  return (server.address() as AddressInfo).port
}

function send (port: number, from: string, headers: IncomingHttpHeaders = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username: 'demo', password: 'a-wrong-guess' })
    const req = request({ host: '127.0.0.1', port, localAddress: from, method: 'POST', path: '/auth/login', agent: false, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.once('end', () => resolve(res.statusCode ?? 0))
    })
    req.once('error', reject)
    req.end(body)
  })
}

/** A reverse proxy like an ingress: appends the address it saw to X-Forwarded-For, connects from PROXY_ADDRESS. */
async function startProxy (t: Test, target: number): Promise<number> {
  const proxy = createServer((req, res) => {
    const seen = req.socket.remoteAddress as string
    const forwarded = req.headers['x-forwarded-for'] === undefined ? seen : `${String(req.headers['x-forwarded-for'])}, ${seen}`
    const upstream = request({ host: '127.0.0.1', port: target, localAddress: PROXY_ADDRESS, method: req.method, path: req.url, agent: false, headers: { ...req.headers, 'x-forwarded-for': forwarded } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.once('error', () => { res.writeHead(502).end() })
    req.pipe(upstream)
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  t.teardown(() => { proxy.close() })
  return portOf(proxy)
}

async function startApp (t: Test, env: Record<string, string>): Promise<number> {
  const app = await buildApp({ env: { ...secrets, ...env }, server: { logger: false } })
  t.teardown(() => app.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  return portOf(app.server)
}

/** The strict tier (POST /auth/login) allows 5 tries a minute: the 6th answer says whose bucket it was. */
async function exhaust (port: number, from: string, headers?: IncomingHttpHeaders): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < 6; i++) statuses.push(await send(port, from, headers))
  return statuses
}

t.test('without TRUST_PROXY, every client behind the proxy shares the proxy\'s bucket (the default for direct exposure)', async (t) => {
  const proxy = await startProxy(t, await startApp(t, {}))
  t.same(await exhaust(proxy, ALICE), [401, 401, 401, 401, 401, 429])
  t.equal(await send(proxy, BOB), 429, 'Bob never tried, yet is limited: the app keys on the proxy')
})

for (const setting of [PROXY_ADDRESS, `${PROXY_ADDRESS}/32`]) {
  t.test(`TRUST_PROXY=${setting}: each client behind the proxy has its own bucket; a forged X-Forwarded-For changes nothing`, async (t) => {
    const proxy = await startProxy(t, await startApp(t, { TRUST_PROXY: setting }))
    t.same(await exhaust(proxy, ALICE), [401, 401, 401, 401, 401, 429])
    t.equal(await send(proxy, BOB), 401, 'Bob, behind the same proxy, still has his tries')
    // The proxy appends Alice's real address after the forged one; only the trusted hop is believed.
    t.equal(await send(proxy, ALICE, { 'x-forwarded-for': '198.51.100.23' }), 429, 'Alice cannot leave her bucket by forging the header')
  })
}

t.test('TRUST_PROXY as an address: a client outside the trusted range forging X-Forwarded-For gets no fresh bucket', async (t) => {
  const app = await startApp(t, { TRUST_PROXY: PROXY_ADDRESS })
  const statuses: number[] = []
  // A new forged address on every try: were any believed, each try would open a new bucket.
  for (let i = 1; i <= 6; i++) statuses.push(await send(app, OUTSIDER, { 'x-forwarded-for': `198.51.100.${i}` }))
  t.same(statuses, [401, 401, 401, 401, 401, 429])
  t.equal(await send(app, OUTSIDER), 429, 'and without the header it is the same bucket')
  t.equal(await send(app, BOB), 401, 'a client at another address is not affected')
})
