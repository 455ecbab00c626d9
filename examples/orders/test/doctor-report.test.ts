import t from 'tap'
import { execFile, fork } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@fastify-production/test-support/free-port'

const here = dirname(fileURLToPath(import.meta.url))
const server = join(here, '..', 'dist', 'server.js')
// The doctor as users run it: the bin of the installed fastify-production.
const doctor = join(dirname(createRequire(import.meta.url).resolve('fastify-production')), 'bin.js')

t.test('the doctor, run against the example service started for real, passes every HTTP check', async (t) => {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_OPTIONS: '', METRICS_TOKEN: 'doctor-metrics-token-0123' }
  delete env.NODE_V8_COVERAGE
  delete env.DATABASE_URL
  delete env.WEB_CONCURRENCY
  const child = fork(server, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => { out += chunk.toString(); if (out.includes('Server listening')) resolve() })
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}: ${out}`)))
  })
  const run = (args: string[]): Promise<{ code: number | null, stdout: string }> => new Promise((resolve) => {
    const p = execFile(process.execPath, [doctor, 'doctor', ...args], { env }, (_err, stdout) => resolve({ code: p.exitCode, stdout }))
  })
  const { code, stdout } = await run(['--url', `http://127.0.0.1:${port}`, '--post', '/orders', '--json'])
  const report = JSON.parse(stdout) as { score: number, counts: Record<string, number>, checks: Array<{ id: string, status: string, reason: string }> }
  t.same(report.checks.filter((c) => c.status !== 'pass'), [], 'no check warns or fails')
  t.equal(report.checks.length, 12)
  t.match(report, { score: 100, counts: { fail: 0, warn: 0, skip: 0 } })
  t.equal(code, 0)
  const text = await run(['--url', `http://127.0.0.1:${port}`, '--post', '/orders'])
  t.match(text.stdout, /score 100\/100 — 12 pass, 0 warn, 0 fail, 0 skipped/)
  child.kill('SIGTERM')
  await once(child, 'exit')
})
