import t, { type Test } from 'tap'
import { fork, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@fastify-production/test-support/free-port'

const server = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'server.js')
const BOOT_BOUND = 120_000
// Each subtest boots real processes (the cluster one, three): far past tap's 30 s default when the CPU is shared.
t.setTimeout(360_000)

async function startServer (t: Test, extra: NodeJS.ProcessEnv, readyLine: RegExp): Promise<{ port: number, child: ChildProcess, output: () => string }> {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_OPTIONS: '', ...extra }
  delete env.DATABASE_URL
  delete env.NODE_V8_COVERAGE
  delete env.WEB_CONCURRENCY
  Object.assign(env, extra)
  const child = fork(server, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  // Booting a primary and its workers loads the whole app in each process: on a busy machine that
  // takes tens of seconds. Wait for the ready line itself; the bound only turns a hang into a message.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error(`no ${String(readyLine)} within ${BOOT_BOUND} ms: ${out}`)) }, BOOT_BOUND)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (readyLine.test(out)) { clearTimeout(timer); resolve() }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${String(code)}: ${out}`)) })
  })
  return { port, child, output: () => out }
}

/** Waits for the child's exit; the bound only turns a hang into a message naming what was logged. */
async function exitCode (child: ChildProcess, output: () => string): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const timer = setTimeout(() => { child.emit('error', new Error(`no exit within ${BOOT_BOUND} ms after SIGTERM: ${output()}`)) }, BOOT_BOUND)
  try {
    const [code] = await once(child, 'exit') as [number | null]
    return code
  } finally {
    clearTimeout(timer)
  }
}

t.test('server.js listens on HOST:PORT and answers an unknown order with a 404 problem', async (t) => {
  const { port, child, output } = await startServer(t, {}, /Server listening/)
  const res = await fetch(`http://127.0.0.1:${port}/orders/nope`, { headers: { 'x-request-id': 'curl-42' } })
  t.equal(res.status, 404)
  t.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  t.equal(res.headers.get('x-request-id'), 'curl-42', 'the request id is echoed')
  const body = await res.json() as { code: string, requestId: string }
  t.equal(body.code, 'ORDER_NOT_FOUND')
  t.equal(body.requestId, 'curl-42')
  child.kill('SIGTERM')
  t.equal(await exitCode(child, output), 0, 'SIGTERM drains and exits 0')
})

t.test('WEB_CONCURRENCY=2 runs two workers on one port; SIGTERM stops them all', async (t) => {
  const { port, child, output } = await startServer(t, { WEB_CONCURRENCY: '2' }, /all 2 workers ready/)
  const pids = new Set<string>()
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/health/live`, { headers: { connection: 'close' } })
    t.equal(res.status, 200)
  }
  const lines = output().split('\n').filter((l) => l.includes('"pid"')).map((l) => (JSON.parse(l) as { pid: number }).pid)
  for (const pid of lines) pids.add(String(pid))
  t.ok(pids.size >= 3, `a primary and two workers logged (${[...pids].join(', ')})`)
  child.kill('SIGTERM')
  t.equal(await exitCode(child, output), 0)
})
