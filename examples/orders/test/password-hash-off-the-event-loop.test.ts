import t from 'tap'
import http from 'node:http'
import { scrypt, type ScryptOptions } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'

const env = { DEMO_USERNAME: 'alice', DEMO_PASSWORD: 's3cret-passw0rd', AUTH_TOKEN_SECRET: 'k'.repeat(32) }

function scryptAsync (password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => { scrypt(password, salt, 32, options, (err, key) => { if (err === null) resolve(key); else reject(err) }) })
}

interface Answer { status: number, body: string }

function send (port: number, method: string, path: string, payload?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = payload === undefined ? undefined : JSON.stringify(payload)
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false, headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text }) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function listen (app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

t.test('POST /passwords/hash answers a scrypt hash computed on a worker thread', async (t) => {
  const app = await buildApp({ env, server: { logger: false } })
  t.teardown(() => app.close())
  const port = await listen(app)
  const res = await send(port, 'POST', '/passwords/hash', { password: 'correct horse battery staple' })
  t.equal(res.status, 200, res.body)
  const [scheme, n, r, p, salt, key] = (JSON.parse(res.body) as { hash: string }).hash.split('$') as [string, string, string, string, string, string]
  t.equal(scheme, 'scrypt')
  // Verified off the event loop too (libuv's pool): blocking it here would make the app shed load.
  const derived = await scryptAsync('correct horse battery staple', Buffer.from(salt, 'hex'), { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 })
  t.equal(derived.toString('hex'), key, 'the hash verifies')
  t.equal((await send(port, 'POST', '/passwords/hash', { password: 'short' })).status, 400, 'too short a password is refused before any work')
})

t.test('while hashes run, /health/live keeps answering: the event loop is free', async (t) => {
  const app = await buildApp({ env, server: { logger: false } })
  t.teardown(() => app.close())
  const port = await listen(app)
  let answered = 0
  const hashes = Array.from({ length: 4 }, async (_, i) => {
    const res = await send(port, 'POST', '/passwords/hash', { password: `a long enough password ${i}` })
    answered++
    return res
  })
  const live = await send(port, 'GET', '/health/live')
  t.equal(live.status, 200, 'liveness answered')
  t.ok(answered < 4, `and it did so while hashes were still running (${answered} of 4 answered)`)
  const statuses = (await Promise.all(hashes)).map((res) => res.status)
  t.ok(statuses.every((status) => status === 200 || status === 503), `each hash answered, or was refused fast with 503 past the pool's bound: ${statuses.join(', ')}`)
  t.ok(statuses.includes(200))
})
