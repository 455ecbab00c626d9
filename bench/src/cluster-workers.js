// req/s of the example service with 1 and with 2 workers (node:cluster). autocannon runs on the same
// 2-core machine, so the gain is bounded: the load generator takes a core's share from the workers.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const server = fileURLToPath(new URL('../../examples/orders/dist/server.js', import.meta.url))
const PORT = Number(process.env.PORT ?? 3999)
const duration = Number(process.env.DURATION ?? 10)
const rows = []
for (const workers of [1, 2]) {
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, PORT: String(PORT), WEB_CONCURRENCY: String(workers), LOG_LEVEL: 'warn', NODE_ENV: 'production', DEMO_PASSWORD: 'bench-demo-password', AUTH_TOKEN_SECRET: 'b'.repeat(32), METRICS_TOKEN: 'bench-metrics-token' },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let out = ''
  const ready = workers === 1 ? /single process/ : /all \d+ workers ready/
  const deadline = setTimeout(() => { child.kill('SIGKILL') }, 30_000)
  while (!ready.test(out)) {
    const [chunk] = await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => { throw new Error(`server exited before it was ready: ${out}`) })])
    out += chunk
  }
  clearTimeout(deadline)
  child.stdout.resume()
  // Probes are exempt from the rate limit, so the load measures serving, not 429s.
  const url = `http://127.0.0.1:${PORT}/health/live`
  await autocannon({ url, connections: 50, duration: 2 })
  const r = await autocannon({ url, connections: 50, duration })
  rows.push({ workers, rps: Math.round(r.requests.average), p99: r.latency.p99, errors: r.errors + r.non2xx })
  child.kill('SIGTERM')
  await once(child, 'exit')
}
console.log(`| workers | req/s | p99 ms | errors + non-2xx |\n|---|---|---|---|\n${rows.map((r) => `| ${r.workers} | ${r.rps.toLocaleString('en-US')} | ${r.p99} | ${r.errors} |`).join('\n')}`)
console.log(`\n2 workers / 1 worker: ×${(rows[1].rps / rows[0].rps).toFixed(2)} (GET /health/live of examples/orders, 50 connections, ${duration} s; autocannon shares the 2 cores)`)
