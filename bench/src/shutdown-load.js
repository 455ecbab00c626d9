// Shutdown under keep-alive load: `node src/shutdown-load.js` (pnpm bench:shutdown).
// Times are wall-clock (Date.now()) on both sides, so the child's log timestamps compare with the client's.
//
// A small Fastify app runs in a child process; keep-alive clients load it; SIGTERM arrives mid-run.
// The client side plays the load balancer: it keeps routing new requests for LB_LAG ms after the
// signal (the time a real balancer needs to notice), then stops. With @fastify-production/shutdown
// (delay 2 s > LB_LAG) nothing should fail and nothing should be reset; the naive stack
// (`app.close()` on SIGTERM) is run too, for comparison.
//
// The client is node:http with a keep-alive Agent, not autocannon: autocannon writes the next
// request on a socket the server answered with `Connection: close` and silently drops it, so it
// cannot measure a drain. Every number here is counted per request.
import { spawn } from 'node:child_process'
import http from 'node:http'
import { fileURLToPath } from 'node:url'

const CONNECTIONS = 32
const WARMUP = 2000 // load before the signal
const LB_LAG = 1000 // how long after the signal new requests keep arriving
const DELAY = 2000 // the plugin's delay
const SLOW_MS = 2500 // one connection in 8 asks for a slow request, so some are in flight at the close
const EXIT_LIMIT = 15_000 // the child is killed if it has not exited this long after the signal

const self = fileURLToPath(import.meta.url)

// ---- child: the server -------------------------------------------------------------------------

async function serve (mode) {
  const { default: Fastify } = await import('fastify')
  const app = Fastify({ logger: { level: 'info', stream: process.stdout } })
  // No per-request lines: only the server's and the shutdown's own.
  app.get('/hello', { logLevel: 'warn' }, async () => ({ hello: 'world' }))
  app.get('/slow', { logLevel: 'warn' }, async () => {
    await new Promise((resolve) => { setTimeout(resolve, SLOW_MS) })
    return { slow: true }
  })
  if (mode === 'plugin') {
    const { default: shutdown } = await import('@fastify-production/shutdown')
    await app.register(shutdown, { delay: DELAY, timeout: 20_000 })
  } else {
    // What many services do: close on the signal, exit when closed.
    process.once('SIGTERM', () => {
      app.log.info('naive: closing')
      app.close().then(() => process.exit(0), () => process.exit(1))
    })
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
}

// ---- parent: the load and the report ------------------------------------------------------------

function startServer (mode) {
  const child = spawn(process.execPath, [self, '--serve', mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KUBERNETES_SERVICE_HOST: '' }
  })
  const events = { port: undefined, closingAt: undefined, exit: undefined }
  let rest = ''
  let onPort
  const port = new Promise((resolve) => { onPort = resolve })
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop()
    for (const line of lines) {
      let msg = ''
      let time = 0
      try { ({ msg = '', time = 0 } = JSON.parse(line)) } catch { continue }
      const listening = /^Server listening at .*:(\d+)$/.exec(msg)
      if (listening) onPort(Number(listening[1]))
      if (/^shutdown: closing|^naive: closing/.test(msg) && events.closingAt === undefined) events.closingAt = time
    }
  })
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      events.exit = { code, signal, at: Date.now() }
      onPort(undefined)
      resolve(events.exit)
    })
  })
  return { child, port, exited, events }
}

function get (agent, port, path) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode, at: Date.now() }))
      res.on('error', (err) => resolve({ error: err.code ?? err.message, at: Date.now() }))
    })
    req.on('error', (err) => resolve({ error: err.code ?? err.message, at: Date.now() }))
  })
}

const RESET = new Set(['ECONNRESET', 'EPIPE', 'socket hang up'])

async function run (mode) {
  const server = startServer(mode)
  const port = await server.port
  if (port === undefined) throw new Error(`${mode}: the server exited before listening`)

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  const results = []
  let routing = true
  const isRouting = () => routing
  let signalAt = Infinity
  const worker = async (i) => {
    const path = i % 8 === 0 ? '/slow' : '/hello'
    while (isRouting() && server.events.exit === undefined) {
      const startedAt = Date.now()
      const result = await get(agent, port, path)
      results.push({ ...result, startedAt, path })
      if (result.error !== undefined && Date.now() > signalAt) break
    }
  }
  const workers = Array.from({ length: CONNECTIONS }, (_, i) => worker(i))

  await new Promise((resolve) => { setTimeout(resolve, WARMUP) })
  signalAt = Date.now()
  server.child.kill('SIGTERM')
  const guard = setTimeout(() => { server.child.kill('SIGKILL') }, EXIT_LIMIT)
  await new Promise((resolve) => { setTimeout(resolve, LB_LAG) })
  routing = false // the balancer has taken the instance out

  const exit = await server.exited
  await Promise.all(workers)
  clearTimeout(guard)
  agent.destroy()

  const closingAt = server.events.closingAt ?? exit.at
  const failed = (r) => r.error !== undefined || r.status < 200 || r.status >= 300
  return {
    mode,
    sent: results.length,
    ok: results.filter((r) => !failed(r)).length,
    failedBeforeClose: results.filter((r) => failed(r) && r.at < closingAt).length,
    failedDuringClose: results.filter((r) => failed(r) && r.at >= closingAt).length,
    non2xx: results.filter((r) => r.error === undefined && failed(r)).length,
    refused: results.filter((r) => r.error === 'ECONNREFUSED').length,
    resets: results.filter((r) => RESET.has(r.error)).length,
    inFlightAtClose: results.filter((r) => r.startedAt < closingAt && r.at >= closingAt).length,
    signalToClose: Math.round(closingAt - signalAt),
    signalToExit: Math.round(exit.at - signalAt),
    exitCode: exit.code ?? `${exit.signal} (killed ${EXIT_LIMIT / 1000} s after SIGTERM)`
  }
}

function table (rows) {
  const lines = [
    '| stack | requests sent | 2xx | failed before close | failed during close | of which non-2xx / refused | resets | in flight at close | SIGTERM → close | SIGTERM → exit | exit code |',
    '|---|---|---|---|---|---|---|---|---|---|---|'
  ]
  for (const r of rows) {
    const label = r.mode === 'plugin' ? `@fastify-production/shutdown (delay ${DELAY} ms)` : 'naive: app.close() on SIGTERM'
    lines.push(`| ${label} | ${r.sent} | ${r.ok} | ${r.failedBeforeClose} | ${r.failedDuringClose} | ${r.non2xx} / ${r.refused} | ${r.resets} | ${r.inFlightAtClose} | ${r.signalToClose} ms | ${r.signalToExit} ms | ${r.exitCode} |`)
  }
  return lines.join('\n')
}

async function main () {
  const rows = []
  for (const mode of ['plugin', 'naive']) rows.push(await run(mode))
  console.log(`\nShutdown under keep-alive load: ${CONNECTIONS} connections (1 in 8 asking for a ${SLOW_MS} ms request), ` +
    `SIGTERM after ${WARMUP} ms, new requests routed for ${LB_LAG} ms after it (load balancer lag), Node ${process.version}.\n`)
  console.log(table(rows))
  const plugin = rows[0]
  const met = plugin.failedBeforeClose === 0 && plugin.resets === 0 && plugin.failedDuringClose === 0
  console.log(`\nTarget (0 failed before the close, 0 reset during it): ${met ? 'met' : 'NOT met'}.`)
  if (!met) process.exitCode = 1
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3])
} else {
  await main()
}
