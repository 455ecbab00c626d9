// The overload scenario (issue 19): bare Fastify, the stock stack and the suite (as is, with its
// probes on a port of their own, and in one node:cluster worker), each at a fixed
// offered rate of 2× and 4× its own measured capacity. Run by `pnpm bench --overload` (or as the last
// part of a full `pnpm bench`); see ../README.md.
import autocannon from 'autocannon'
import { BODY, HOST, LIVE_ROUTE, WORK_ITERATIONS, WORK_ROUTE } from './common.js'
import { bootable } from './scenarios.js'
import { ServerProcess } from './server-process.js'
import { openLoop, pollLiveness } from './open-loop.js'
import { summarizeLoad } from './overload-report.js'

export const SUITE = 'fastify-production'
/** The suite again with its probes on a listener of their own (health's `port`), judged by the same goals. */
export const SUITE_PROBE_PORT = 'fastify-production-probe-port'
/** The suite's app in one node:cluster worker (its primary accepts the connections), probes on their own port. */
export const SUITE_CLUSTER = 'fastify-production-cluster'
export const OVERLOAD_SCENARIOS = ['fastify-bare', 'fastify-stock', SUITE, SUITE_PROBE_PORT, SUITE_CLUSTER]

// Overload-only rows that run another scenario's server with other health options.
const VARIANTS = new Map([
  [SUITE_PROBE_PORT, { scenario: SUITE, label: 'fastify-production, probes on their own port (`health: { port }`)', health: { port: 0 } }],
  [SUITE_CLUSTER, { scenario: SUITE_CLUSTER, health: { port: 0 } }]
])
const labelOf = (name) => VARIANTS.get(name)?.label ?? bootable.get(name).label

export function overloadOptions ({ quick, health }) {
  return {
    multipliers: [2, 4],
    connections: 100,
    warmup: quick ? 1 : 2,
    capacitySeconds: quick ? 2 : 5,
    seconds: quick ? 2 : 10,
    lightLoad: 0.25,
    timeoutMs: 2_000,
    maxConnections: 1_000,
    livenessEveryMs: 250,
    livenessTimeoutMs: 1_000,
    workIterations: WORK_ITERATIONS,
    health
  }
}

function closedLoop (port, seconds, connections) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://${HOST}:${port}${WORK_ROUTE}`, connections, duration: seconds, expectBody: BODY },
      (err, result) => (err ? reject(err) : resolve(result)))
  })
}

async function boot (name, { nodeBin, cpu, health: given }) {
  const variant = VARIANTS.get(name)
  const health = variant === undefined ? given : { ...given, ...variant.health }
  const env = { BENCH_OVERLOAD: '1' }
  if (health) env.BENCH_HEALTH_OPTIONS = JSON.stringify(health)
  const server = new ServerProcess({ scenario: variant?.scenario ?? name, nodeBin, cpu, env })
  const ready = await server.ready()
  if (ready.type !== 'ready') {
    await server.kill()
    const error = new Error(ready.type === 'skip' ? ready.reason : `${ready.error}\n${server.stderr}`.trim())
    error.skip = ready.type === 'skip'
    throw error
  }
  return { server, port: ready.port, probePort: ready.probePort ?? ready.port }
}

const open = (port, rate, seconds, options) => openLoop({
  host: HOST, port, path: WORK_ROUTE, rate, seconds, timeoutMs: options.timeoutMs, maxConnections: options.maxConnections
})

// 2xx/s with `connections` kept busy, after a warm-up: what the server can do right now. On a shared
// machine that changes from minute to minute, so every level measures it again just before.
async function capacityNow (port, options) {
  await closedLoop(port, options.warmup, options.connections)
  const saturated = await closedLoop(port, options.capacitySeconds, options.connections)
  const rps = saturated.statusCodeStats?.['200'] ? Number(saturated.statusCodeStats['200'].count) / saturated.duration : 0
  if (rps === 0) throw new Error(`no 2xx at all under closed-loop load (${saturated.non2xx} non-2xx, ${saturated.errors} errors)`)
  return { rps, p99: saturated.latency.p99 }
}

/** Capacity and light-load p99 (open loop at `lightLoad` × capacity) on one fresh server. */
async function measureCapacity (scenario, run, options) {
  const { server, port } = await boot(scenario, run)
  try {
    const { rps, p99 } = await capacityNow(port, options)
    const light = summarizeLoad(await open(port, rps * options.lightLoad, options.capacitySeconds, options))
    return { capacity: { rps, p99 }, unloaded: { rate: light.rate, p99: light.p99, served: light.served, offered: light.offered } }
  } finally {
    await server.kill()
  }
}

/** One overload level on a fresh server: its capacity right then, then the fixed rate, liveness polled alongside. */
async function measureLoad (scenario, run, options, multiplier) {
  const { server, port, probePort } = await boot(scenario, run)
  try {
    const capacity = (await capacityNow(port, options)).rps
    // On the probe listener when the suite runs with `--health '{"port":0}'`, else on the app's port.
    const poller = pollLiveness({ host: HOST, port: probePort, path: LIVE_ROUTE, everyMs: options.livenessEveryMs, timeoutMs: options.livenessTimeoutMs })
    const result = await open(port, capacity * multiplier, options.seconds, options)
    const liveness = { ...await poller.stop(), ownPort: probePort !== port }
    return { multiplier, capacity, ...summarizeLoad(result), liveness }
  } finally {
    await server.kill()
  }
}

export async function runOverload ({ nodeBin, cpu, quick, health, only, log = console.log }) {
  const options = overloadOptions({ quick, health })
  const run = { nodeBin, cpu, health }
  const chosen = OVERLOAD_SCENARIOS.filter((name) => !only?.length || only.includes(name))
  const results = (chosen.length ? chosen : OVERLOAD_SCENARIOS).map((scenario) => ({ scenario, label: labelOf(scenario), status: 'ok', loads: [] }))
  const fail = (r, err) => {
    r.status = err.skip ? 'skip' : 'error'
    r.reason = err.message
    log(`overload  ${r.scenario.padEnd(19)} ${err.skip ? 'SKIPPED' : 'FAILED'}: ${err.message.split('\n')[0]}`)
  }
  // Level by level, every scenario in turn: a slow minute of the machine hits all three, not one.
  for (const r of results) {
    try {
      Object.assign(r, await measureCapacity(r.scenario, run, options))
      log(`overload  ${r.scenario.padEnd(19)} capacity ${Math.round(r.capacity.rps)} req/s, light-load p99 ${r.unloaded.p99?.toFixed(1)} ms`)
    } catch (err) {
      fail(r, err)
    }
  }
  for (const multiplier of options.multipliers) {
    for (const r of results.filter((x) => x.status === 'ok')) {
      try {
        const load = await measureLoad(r.scenario, run, options, multiplier)
        r.loads.push(load)
        log(`overload  ${r.scenario.padEnd(19)} ${multiplier}×: capacity ${Math.round(load.capacity)} req/s, offered ${Math.round(load.rate)} req/s, goodput ${Math.round(load.goodput)} req/s, ` +
          `p99 ${load.p99?.toFixed(0) ?? '–'} ms, 503+Retry-After ${load.shedWithRetryAfter}, given up ${load.timeouts + load.expiredUnsent}, ` +
          `reset ${load.connectionErrors}, live ${load.liveness.ok}/${load.liveness.sent}`)
      } catch (err) {
        fail(r, err)
      }
    }
  }
  return { options, scenarios: results, suites: [SUITE, SUITE_PROBE_PORT, SUITE_CLUSTER] }
}
