import { BASELINE, CONTROL, PRODUCTION_GOAL, byName } from './scenarios.js'
import { median, spread } from './stats.js'

// Per scenario: medians and ranges over the rounds; ratios and extra CPU against bare Fastify taken
// within each round (same moment, same machine state), then the median of those.
export function summarize (runs, order) {
  const baseline = new Map(runs.filter((r) => r.scenario === BASELINE && r.status === 'ok').map((r) => [r.round, r]))
  return order.map((name) => {
    const all = runs.filter((r) => r.scenario === name)
    const ok = all.filter((r) => r.status === 'ok')
    const skipped = all.find((r) => r.status === 'skip')
    const failed = all.filter((r) => r.status === 'error')
    const paired = ok.filter((r) => baseline.has(r.round))
    const sum = (key) => ok.reduce((n, r) => n + r[key], 0)
    const statusCodes = {}
    for (const r of ok) {
      for (const [code, count] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count
    }
    return {
      scenario: name,
      label: byName.get(name).label,
      package: byName.get(name).package,
      budget: byName.get(name).budget,
      rounds: ok.length,
      skipped: skipped?.reason,
      failed: failed.map((r) => `round ${r.round}: ${r.error.split('\n')[0]}`),
      rps: spread(ok.map((r) => r.rps)),
      ratio: spread(paired.map((r) => r.rps / baseline.get(r.round).rps)),
      // What the ratio would be if CPU were the only limit: steadier than req/s on a shared machine.
      cpuRatio: spread(paired.map((r) => baseline.get(r.round).cpuUs / r.cpuUs)),
      p50: median(ok.map((r) => r.p50)),
      p99: median(ok.map((r) => r.p99)),
      cpuUs: spread(ok.map((r) => r.cpuUs)),
      extraCpuUs: spread(paired.map((r) => r.cpuUs - baseline.get(r.round).cpuUs)),
      rssMB: median(ok.map((r) => r.rssMB)),
      serverWaitPct: median(ok.map((r) => r.serverWaitPct).filter((n) => n !== undefined)),
      clientWaitPct: median(ok.map((r) => r.clientWaitPct).filter((n) => n !== undefined)),
      otherLoadServerCpu: median(ok.map((r) => r.otherLoadServerCpu).filter((n) => n !== undefined)),
      otherLoadClientCpu: median(ok.map((r) => r.otherLoadClientCpu).filter((n) => n !== undefined)),
      requests: sum('requests'),
      errors: sum('errors'),
      timeouts: sum('timeouts'),
      non2xx: sum('non2xx'),
      mismatches: sum('mismatches'),
      statusCodes
    }
  })
}

const int = (n) => Math.round(n).toLocaleString('en-US')
const fix = (n, digits) => (n === undefined ? '–' : n.toFixed(digits))
const signed = (n, digits) => (n === undefined ? '–' : `${n >= 0 ? '+' : '−'}${Math.abs(n).toFixed(digits)}`)

function badness (s) {
  const parts = []
  if (s.errors) parts.push(`${int(s.errors)} errors`)
  if (s.timeouts) parts.push(`${int(s.timeouts)} timeouts`)
  if (s.non2xx) {
    const codes = Object.entries(s.statusCodes).filter(([code]) => !code.startsWith('2'))
    parts.push(`${int(s.non2xx)} non-2xx (${codes.map(([c, n]) => `${c}×${int(n)}`).join(', ')})`)
  }
  if (s.mismatches) parts.push(`${int(s.mismatches)} wrong bodies`)
  return parts
}

// Fewer rounds than this and a verdict would be one noisy sample.
const MIN_ROUNDS_TO_JUDGE = 3

/** The largest difference, either way, between two identical bare Fastify servers in this run. */
export function noiseOf (summary) {
  const control = summary.find((s) => s.scenario === CONTROL)?.extraCpuUs
  return control === undefined ? undefined : Math.max(Math.abs(control.min), Math.abs(control.max))
}

export function verdict (s, noise) {
  if (s.budget === undefined || s.extraCpuUs === undefined) return '–'
  if (s.rounds < MIN_ROUNDS_TO_JUDGE) return `not judged (${s.rounds} round${s.rounds === 1 ? '' : 's'})`
  const { median: m, min } = s.extraCpuUs
  if (m <= s.budget) return '✅ within'
  if (noise !== undefined && m <= s.budget + noise) return `✅ within the run's noise (±${noise.toFixed(2)})`
  if (min <= s.budget) return '⚠️ over in the median, within in some rounds'
  return '❌ over'
}

export function markdown ({ summary, meta, runs = [] }) {
  const lines = []
  const { machine, options } = meta
  lines.push(`# Benchmark ${meta.date}${options.quick ? ' (quick: proves the harness, not the numbers)' : ''}`, '')
  lines.push(`- Command: \`${meta.command}\``)
  lines.push(`- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.os}; server on Node ${machine.serverNode}, load generator (autocannon ${machine.autocannon}) on Node ${machine.harnessNode}`)
  lines.push(`- Pinning: ${machine.pinned ? `server on CPU ${machine.serverCpu}, autocannon on CPU ${machine.clientCpu} (taskset)` : 'none (taskset absent or fewer than 2 CPUs): numbers are noisier'}`)
  lines.push(`- Method: ${options.rounds} interleaved round(s) of every scenario; each run ${options.warmup} s warm-up then ${options.duration} s measured, ${options.connections} connections, \`GET /hello\` → \`{"hello":"world","n":1}\`, NODE_ENV=production, server stdout → /dev/null${options.maxWait === undefined ? '' : `; a run during which the server or autocannon waited for its CPU more than ${options.maxWait}% of the time is taken again (at most ${options.retries} more time${options.retries === 1 ? '' : 's'}), keeping the quietest`}`)
  lines.push('')
  lines.push('| scenario | req/s median (min–max) | × bare | × bare by CPU | p50 ms | p99 ms | server CPU µs/req (min–max) | +µs/req vs bare | RSS MB | errors / non-2xx | waited for CPU % server / client |')
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|')
  for (const s of summary) {
    if (s.rounds === 0) {
      const why = s.skipped ? `skipped: ${s.skipped}` : `failed: ${s.failed[0] ?? 'no run'}`
      lines.push(`| ${s.label} | ${why.replaceAll('|', '\\|').slice(0, 200)} | | | | | | | | | |`)
      continue
    }
    const bad = badness(s)
    lines.push('| ' + [
      `${bad.length ? '⚠️ ' : ''}${s.label}`,
      `${int(s.rps.median)} (${int(s.rps.min)}–${int(s.rps.max)})`,
      fix(s.ratio?.median, 2),
      fix(s.cpuRatio?.median, 2),
      fix(s.p50, 1),
      fix(s.p99, 1),
      `${fix(s.cpuUs.median, 1)} (${fix(s.cpuUs.min, 1)}–${fix(s.cpuUs.max, 1)})`,
      s.scenario === BASELINE ? '0' : signed(s.extraCpuUs?.median, 1),
      fix(s.rssMB, 0),
      bad.length ? bad.join('; ') : '0',
      s.serverWaitPct === undefined ? '–' : `${fix(s.serverWaitPct, 0)} / ${fix(s.clientWaitPct, 0)}`
    ].join(' | ') + ' |')
  }

  const packages = summary.filter((s) => s.package && s.scenario.startsWith('fp-'))
  const noise = noiseOf(summary)
  if (packages.length) {
    lines.push('', '## Each package alone: extra server CPU per request over bare Fastify', '')
    lines.push('| package | +µs/req median (min–max) | budget | verdict |')
    lines.push('|---|---|---|---|')
    for (const s of packages) {
      const cost = s.extraCpuUs
        ? `${signed(s.extraCpuUs.median, 2)} (${signed(s.extraCpuUs.min, 2)} … ${signed(s.extraCpuUs.max, 2)})`
        : (s.skipped ? 'skipped (not built)' : 'no result')
      // A package with more than one scenario (security: all of it, headers only) is told apart by its label.
      const name = packages.filter((p) => p.package === s.package).length > 1 ? `${s.package} (${s.label.replace(/^Fastify \+ /, '')})` : s.package
      lines.push(`| ${name} | ${cost} | ${s.budget === undefined ? '–' : `≤ ${s.budget}`} | ${verdict(s, noise)} |`)
    }
  }

  const prod = summary.find((s) => s.scenario === 'fastify-production')
  lines.push('')
  if (prod?.ratio) {
    const judged = prod.rounds >= MIN_ROUNDS_TO_JUDGE
    const ok = prod.ratio.median >= PRODUCTION_GOAL
    lines.push(`**fastify-production with defaults: ${prod.ratio.median.toFixed(2)}× bare Fastify (rounds ${prod.ratio.min.toFixed(2)}–${prod.ratio.max.toFixed(2)}; ${prod.cpuRatio.median.toFixed(2)}× by CPU per request); goal ≥ ${PRODUCTION_GOAL}× ${judged ? (ok ? '✅ met' : '❌ not met') : `not judged (${prod.rounds} round(s))`}.**`)
  } else if (prod) {
    lines.push(`fastify-production: no result (${prod.skipped ? `skipped: ${prod.skipped}` : prod.failed[0] ?? 'not run'}).`)
  }

  lines.push('', '## Notes', '')
  lines.push('- × bare and +µs/req are computed within each round against that round\'s bare Fastify run, then the median is taken; min–max show the spread over rounds.')
  lines.push('- × bare by CPU = bare Fastify\'s CPU µs/req ÷ this scenario\'s, per round: the throughput ratio if the server\'s CPU were the only limit. It agrees with × bare on a quiet machine and holds up much better than req/s when the machine is shared (see waited for CPU).')
  lines.push('- Server CPU µs/req = the server process\'s own CPU time (user + system, all threads, from `process.cpuUsage()`) over the measured window ÷ responses completed. It is the cost that matters when a server is busy; req/s also depends on the load generator.')
  lines.push('- Rate limits are set to 1e9 requests per minute in every scenario that has one (Fastify + security, fastify-production, the stock Fastify and Express stacks), so no 429 can make a stack look fast. Any error, timeout, non-2xx or wrong body is counted and the row marked ⚠️: its numbers are not comparable.')
  lines.push('- Everything that logs writes to stdout, which the harness connects to /dev/null: each line costs a real write syscall, as in a container, and goes nowhere.')
  lines.push(`- Verdict: ✅ the median extra is within budget, or within budget plus the run's noise: the largest difference, either way, between bare Fastify and the same server in a second process (the control row${noise === undefined ? ', not run this time' : `, ±${noise.toFixed(2)} µs here`}); ⚠️ the median is over but some rounds were within (noise: run more rounds); ❌ every round was over. With fewer than ${MIN_ROUNDS_TO_JUDGE} rounds nothing is judged.`)
  lines.push('- Waited for CPU: the share of the measured window during which the server\'s (autocannon\'s) event loop was ready to run but another process held its CPU (Linux /proc/self/schedstat run delay, minus the CPU time of the process\'s own GC/JIT threads on the same pinned CPU). Near 0 on a quiet machine. Above a few % the machine was shared: req/s is then meaningless and even CPU µs/req inflates (caches, context switches); take the numbers again on a quiet machine. `other load` in the JSON gives the CPUs\' busy time spent on other processes. Neighbours on a VM host are invisible to both: read the min–max.')
  const retaken = runs.filter((r) => r.attempts > 1)
  if (retaken.length) lines.push(`- ${retaken.length} of ${runs.length} runs were taken again because the machine was busy (${retaken.slice(0, 6).map((r) => `${r.scenario} r${r.round}×${r.attempts}`).join(', ')}${retaken.length > 6 ? ', …' : ''}).`)
  const skipped = summary.filter((s) => s.skipped)
  if (skipped.length) lines.push(`- Skipped (package not built or not loadable): ${skipped.map((s) => `${s.scenario} (${s.skipped.slice(0, 120)})`).join('; ')}.`)
  const failed = summary.filter((s) => s.failed.length)
  for (const s of failed) lines.push(`- ${s.scenario} failed: ${s.failed.map((f) => f.split('\n')[0]).join('; ')}`)
  return lines.join('\n') + '\n'
}
