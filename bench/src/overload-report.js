// The overload scenario's figures, goals and table, as pure functions of what src/overload.js
// measured (unit-tested: test/overload-report.test.js).
import { percentile } from './stats.js'

/** The suite's goals under overload (issue 19). */
export const OVERLOAD_GOALS = Object.freeze({
  /** Goodput (2xx answered within the client's timeout, per second) at 4× ≥ 80 % of capacity. */
  goodput: 0.8,
  goodputAt: 4,
  /** p99 of the requests served ≤ 10× the p99 at light load. */
  p99: 10,
  /** /health/live answered 2xx to every poll. */
  liveness: 1,
  /** Light load must be light, or the machine is too busy to judge: all of it served in time… */
  lightServed: 0.99,
  /** …with a p99 under this many ms (a 1 ms route answers in a few ms on a quiet core). */
  lightP99: 100
})

/** Why this scenario's overload figures cannot be judged (empty when they can). */
export function overloadQuality (scenario, goals = OVERLOAD_GOALS) {
  const { unloaded } = scenario
  const reasons = []
  const served = unloaded?.offered ? unloaded.served / unloaded.offered : 0
  if (served < goals.lightServed) reasons.push(`light load served only ${pct(served)} in time (needs ≥ ${pct(goals.lightServed)})`)
  if (!(unloaded?.p99 <= goals.lightP99)) reasons.push(`light-load p99 ${ms(unloaded?.p99)} ms (needs ≤ ${goals.lightP99} ms)`)
  return reasons
}

/** One open-loop run (src/open-loop.js) reduced to what the report needs; drops the raw latencies. */
export function summarizeLoad ({ latencies, ...counts }) {
  const answeredLate = counts.timeouts + counts.expiredUnsent
  return {
    ...counts,
    goodput: counts.served / counts.seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1),
    shedShare: counts.offered ? counts.shedWithRetryAfter / counts.offered : 0,
    lostShare: counts.offered ? (answeredLate + counts.connectionErrors) / counts.offered : 0
  }
}

/** Per load level: goodput and p99 against the scenario's own capacity and light-load p99. */
export function figures (scenario) {
  const { capacity, unloaded, loads = [] } = scenario
  return loads.map((load) => {
    // Each level measured its own capacity just before (the machine may have changed since).
    const rps = load.capacity ?? capacity?.rps
    return {
      multiplier: load.multiplier,
      capacity: rps,
      offeredRate: load.rate,
      goodput: load.goodput,
      goodputShare: rps ? load.goodput / rps : undefined,
      p99: load.p99,
      p99Factor: unloaded?.p99 && load.p99 !== undefined ? load.p99 / unloaded.p99 : undefined,
      shedShare: load.shedShare,
      shedWithout: load.shedWithout,
      lostShare: load.lostShare,
      livenessShare: load.liveness?.sent ? load.liveness.ok / load.liveness.sent : undefined,
      liveness: load.liveness
    }
  })
}

const yes = (ok) => (ok ? '✅' : '❌')

/** The suite's goals checked against its figures: one entry per goal, each { goal, ok, text }. */
export function goalChecks (scenario, goals = OVERLOAD_GOALS) {
  const rows = figures(scenario)
  const at = rows.find((r) => r.multiplier === goals.goodputAt)
  const checks = []
  if (at?.goodputShare !== undefined) {
    checks.push({ goal: 'goodput', ok: at.goodputShare >= goals.goodput, text: `goodput at ${goals.goodputAt}× = ${pct(at.goodputShare)} of capacity (goal ≥ ${pct(goals.goodput)})` })
  }
  for (const r of rows) {
    if (r.p99Factor !== undefined) checks.push({ goal: `p99 ${r.multiplier}×`, ok: r.p99Factor <= goals.p99, text: `p99 served at ${r.multiplier}× = ${r.p99Factor.toFixed(1)}× the light-load p99 (goal ≤ ${goals.p99}×)` })
    if (r.livenessShare !== undefined) checks.push({ goal: `liveness ${r.multiplier}×`, ok: r.livenessShare >= goals.liveness, text: `/health/live${r.liveness.ownPort ? ' (probe port)' : ''} at ${r.multiplier}×: ${r.liveness.ok}/${r.liveness.sent} answered 2xx within ${r.liveness.timeoutMs} ms` })
  }
  return checks
}

const pct = (x) => (x === undefined ? '–' : `${(x * 100).toFixed(0)} %`)
const ms = (x) => (x === undefined ? '–' : x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'))
const int = (x) => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'))

export function overloadMarkdown ({ options, scenarios, suite, suites = [suite] }) {
  const lines = ['## Overload: a fixed offered rate of ' + options.multipliers.map((m) => `${m}×`).join(' and ') + ' each server\'s capacity', '']
  lines.push(`- Route: \`GET /work\`, about 1 ms of CPU per request (pbkdf2, ${options.workIterations} SHA-256 iterations) so that one load-generator core can offer ${Math.max(...options.multipliers)}× what one server core serves.`)
  lines.push(`- Capacity: 2xx/s with ${options.connections} connections kept busy (closed loop) for ${options.capacitySeconds} s after ${options.warmup} s of warm-up, measured again on each level's fresh server just before its load. Light-load p99: open loop at ${options.lightLoad}× capacity for ${options.capacitySeconds} s.`)
  lines.push(`- Each level: a fresh server, its capacity, then ${options.seconds} s open loop at the fixed rate (src/open-loop.js: requests are due on schedule whether or not the server keeps up, latency counted from when each was due; at most ${options.maxConnections} connections, then requests wait for one). A request not answered within ${options.timeoutMs} ms is given up, as a client or proxy would. Goodput = 2xx answered in time, per second.`)
  lines.push(`- Liveness: \`GET /health/live\` every ${options.livenessEveryMs} ms on a fresh connection (as the kubelet probes), ${options.livenessTimeoutMs} ms timeout. Bare Fastify and the stock stack get a plain route for it.`)
  if (options.health) lines.push(`- The suite ran with health options \`${JSON.stringify(options.health)}\` (not its defaults).`)
  if (scenarios.some((s) => s.loads?.some((l) => l.liveness?.ownPort))) lines.push('- Rows whose probes have a port of their own (health\'s `port`: a listening socket with its own accept queue) were polled there; the others on the app\'s port.')
  lines.push('')
  lines.push('| scenario | light-load p99 ms | level | capacity req/s | offered req/s | goodput req/s | goodput ÷ capacity | p99 served ms | p99 ÷ light-load | 503 + Retry-After | 503 without | given up / reset | /health/live 2xx |')
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const s of scenarios) {
    if (s.status !== 'ok') {
      lines.push(`| ${s.label} | ${s.status === 'skip' ? 'skipped' : 'failed'}: ${String(s.reason ?? '').split('\n')[0].replaceAll('|', '\\|').slice(0, 160)} | | | | | | | | | | | |`)
      continue
    }
    for (const [i, r] of figures(s).entries()) {
      lines.push('| ' + [
        i === 0 ? s.label : '',
        i === 0 ? ms(s.unloaded.p99) : '',
        `${r.multiplier}×`,
        int(r.capacity),
        int(r.offeredRate),
        int(r.goodput),
        pct(r.goodputShare),
        ms(r.p99),
        r.p99Factor === undefined ? '–' : `${r.p99Factor.toFixed(1)}×`,
        pct(r.shedShare),
        int(r.shedWithout),
        pct(r.lostShare),
        r.liveness ? `${r.liveness.ok}/${r.liveness.sent}` : '–'
      ].join(' | ') + ' |')
    }
  }
  for (const mine of scenarios.filter((s) => suites.includes(s.scenario) && s.status === 'ok')) {
    const checks = goalChecks(mine)
    const unfit = overloadQuality(mine)
    const who = suites.length > 1 ? `${mine.label}: ` : ''
    if (unfit.length) {
      lines.push('', `**Suite under overload: ${who}❔ not judged: the machine was too busy (${unfit.join('; ')}).** What was measured:`, '')
      for (const c of checks) lines.push(`- ${c.text}`)
    } else {
      lines.push('', `**Suite under overload: ${who}${checks.every((c) => c.ok) ? 'every goal met' : `${checks.filter((c) => !c.ok).length} of ${checks.length} goals missed`}** (one run, one machine).`, '')
      for (const c of checks) lines.push(`- ${yes(c.ok)} ${c.text}`)
    }
  }
  return lines
}
