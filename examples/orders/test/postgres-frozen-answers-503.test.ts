import t from 'tap'
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@fastify-production/test-support/free-port'
import { preparePostgres } from '@fastify-production/test-support'
import { DB_DEADLINE } from '../src/db/dependency.js'

const server = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'server.js')
// Real processes on a shared machine: bounds that only turn a hang into a message.
const BOOT_BOUND = 120_000
t.setTimeout(300_000)

t.test('PostgreSQL frozen with SIGSTOP: every request is answered 503 problem+json with Retry-After within the documented bound, and SIGTERM still exits 0', async (t) => {
  const postgres = await preparePostgres()
  await postgres.start()
  t.teardown(() => postgres.stop())
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_OPTIONS: '', DATABASE_URL: postgres.url, WEB_CONCURRENCY: '1', LOG_LEVEL: 'debug' }
  delete env.NODE_V8_COVERAGE
  delete env.SHIPPING_URL
  const child = fork(server, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  const seen = (pattern: RegExp): Promise<void> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no ${String(pattern)} within ${BOOT_BOUND} ms: ${out}`)) }, BOOT_BOUND)
    const check = (): void => {
      if (!pattern.test(out)) return
      clearTimeout(timer)
      child.stdout?.off('data', check)
      resolve()
    }
    child.stdout?.on('data', check)
    check()
  })
  child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString() })
  await Promise.all([seen(/dependency postgres: connected/), seen(/Server listening/)])
  await seen(/health: ready/)
  const base = `http://127.0.0.1:${port}`
  const created = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'kept', quantity: 1 }) })
  t.equal(created.status, 201)
  const { id } = await created.json() as { id: string }

  postgres.freeze()
  const timed = async (url: string, init?: RequestInit): Promise<{ status: number, type: string | null, retryAfter: string | null, code: string, elapsed: number }> => {
    const started = performance.now()
    const res = await fetch(url, init)
    const body = await res.json() as { code: string }
    return { status: res.status, type: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), code: body.code, elapsed: performance.now() - started }
  }
  const requests = [
    timed(`${base}/orders/${id}`),
    timed(`${base}/orders/${id}`),
    timed(`${base}/orders`),
    timed(`${base}/orders/${id}`, { method: 'DELETE' }),
    timed(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'lost', quantity: 1 }) })
  ]
  // The requests are in flight, held by the frozen database: a read's first attempt timed out and is retried.
  await seen(/dependency postgres: attempt 1 failed; retrying/)
  child.kill('SIGTERM')
  for (const answer of await Promise.all(requests)) {
    t.equal(answer.status, 503)
    t.equal(answer.type, 'application/problem+json; charset=utf-8')
    t.match(answer.retryAfter, /^\d+$/)
    t.match(answer.code, /^FP_ERR_DEPENDENCIES_(TIMEOUT|CIRCUIT_OPEN|UNAVAILABLE)$/)
    t.ok(answer.elapsed < DB_DEADLINE + 2000, `answered in ${Math.round(answer.elapsed)} ms (bound: ${DB_DEADLINE} ms)`)
  }
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 0, 'SIGTERM drains, closes the pool (bounded) and exits 0')
  t.match(out, /dependency postgres: close failed or took over 5000 ms; going on|dependency postgres: closed/)
})
