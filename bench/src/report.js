import { BASELINE, CONTROL, PRODUCTION, PRODUCTION_GOAL, byName } from './scenarios.js'
import { median, spread } from './stats.js'
import { RULES, budgetVerdict, goalVerdict, noiseOf, runQuality } from './verdict.js'
import { overloadMarkdown } from './overload-report.js'

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
    const cpuRatioValues = paired.map((r) => baseline.get(r.round).cpuUs / r.cpuUs)
    const extraValues = paired.map((r) => r.cpuUs - baseline.get(r.round).cpuUs)
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
      cpuRatio: spread(cpuRatioValues),
      // Per round, in round order: the verdicts work from these, not from the medians.
      cpuRatioValues,
      p50: median(ok.map((r) => r.p50)),
      p99: median(ok.map((r) => r.p99)),
      p99Ratio: spread(paired.map((r) => r.p99 / baseline.get(r.round).p99)),
      cpuUs: spread(ok.map((r) => r.cpuUs)),
      extraCpuUs: spread(extraValues),
      extraValues,
      // From spawn to the first 2xx on a fresh process (module loading, registration, listen, first request).
      startupMs: spread(ok.map((r) => r.startupMs).filter((n) => n !== undefined)),
      rssWarmMB: median(ok.map((r) => r.rssWarmMB).filter((n) => n !== undefined)),
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

/** How far, in µs/req, two identical bare Fastify servers differ in this run (see verdict.js noiseOf). */
export function noiseUsOf (summary) {
  return noiseOf(summary.find((s) => s.scenario === CONTROL)?.extraValues ?? [])
}

/** Whether this run can judge anything, from the control's and the suite's per-round by-CPU ratios. */
export function qualityOf (summary) {
  return runQuality({
    controlRatios: summary.find((s) => s.scenario === CONTROL)?.cpuRatioValues ?? [],
    targetRatios: summary.find((s) => s.scenario === PRODUCTION)?.cpuRatioValues ?? []
  })
}

const range = (s, digits) => (s === undefined ? '–' : `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`)

/** The one line a reader takes away: the suite's by-CPU ratio per round, its spread, and the goal. */
export function goalLine (summary, quality) {
  const prod = summary.find((s) => s.scenario === PRODUCTION)
  if (!prod) return undefined
  if (!prod.cpuRatio) return `fastify-production: no result (${prod.skipped ? `skipped: ${prod.skipped}` : prod.failed[0] ?? 'not run'}).`
  const v = goalVerdict(prod.cpuRatioValues, PRODUCTION_GOAL, quality)
  const c = prod.cpuRatio
  return `**fastify-production with defaults: ${c.median.toFixed(2)}× bare Fastify by CPU per request ` +
    `(median of ${c.n} round${c.n === 1 ? '' : 's'}; IQR ${c.q1.toFixed(2)}–${c.q3.toFixed(2)}, min–max ${c.min.toFixed(2)}–${c.max.toFixed(2)}; ` +
    `by req/s ${prod.ratio.median.toFixed(2)}×; p99 ${fix(prod.p99Ratio?.median, 1)}× bare's); goal ≥ ${PRODUCTION_GOAL}×: ` +
    `${v.status === 'inconclusive' ? '❔ inconclusive (run quality below)' : v.text}.**`
}

/** "AMD EPYC, 2 cores, Linux …; server on Node v20 …": printed at the start of a run and in every report. */
export function machineLine (machine) {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, ${machine.os}; server on Node ${machine.serverNode}, load generator (autocannon ${machine.autocannon}) on Node ${machine.harnessNode}`
}

export function markdown ({ summary, meta, runs = [], overload }) {
  const lines = []
  const { machine, options } = meta
  lines.push(`# Benchmark ${meta.date}${options.quick ? ' (quick: proves the harness, not the numbers)' : ''}`, '')
  lines.push(`- Command: \`${meta.command}\``)
  lines.push(`- Machine: ${machineLine(machine)}`)
  lines.push(`- Pinning: ${machine.pinned ? `server on CPU ${machine.serverCpu}, autocannon on CPU ${machine.clientCpu} (taskset)` : 'none (taskset absent or fewer than 2 CPUs): numbers are noisier'}`)
  if (machine.loadAverage) lines.push(`- Load average when the run started (1/5/15 min): ${machine.loadAverage.map((n) => n.toFixed(2)).join(' / ')} on ${machine.cores} cores`)
  if (summary.length) {
    lines.push(`- Method: ${options.rounds} interleaved round(s) of every scenario; each run ${options.warmup} s warm-up then ${options.duration} s measured, ${options.connections} connections, \`GET /hello\` → \`{"hello":"world","n":1}\`, NODE_ENV=production, server stdout → /dev/null${options.maxWait === undefined ? '' : `; a run during which the server or autocannon waited for its CPU more than ${options.maxWait}% of the time is taken again (at most ${options.retries} more time${options.retries === 1 ? '' : 's'}), keeping the quietest`}`)
    lines.push(...tableSection(summary, runs))
  }
  if (overload) lines.push('', ...overloadMarkdown(overload))
  return lines.join('\n') + '\n'
}

function tableSection (summary, runs) {
  const lines = []
  const quality = qualityOf(summary)
  const noise = noiseUsOf(summary)
  const goal = goalLine(summary, quality)
  lines.push('', '## Verdict', '')
  if (goal) lines.push(goal, '')
  lines.push(quality.conclusive
    ? `Run quality: conclusive. The control (bare Fastify in a second process) differed from bare Fastify by ±${(quality.noise * 100).toFixed(1)} % by CPU (75th percentile over rounds); verdicts allow for that noise either way.`
    : `Run quality: **inconclusive**, so no ✅ is given: ${quality.reasons.join('; ')}. Take the numbers again on a quieter machine or with more rounds.`)

  lines.push('', '| scenario | req/s median (min–max) | × bare | × bare by CPU median (min–max) | p50 ms | p99 ms | server CPU µs/req (min–max) | +µs/req vs bare | start-up ms | RSS MB warm / end | errors / non-2xx | waited for CPU % server / client |')
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const s of summary) {
    if (s.rounds === 0) {
      const why = s.skipped ? `skipped: ${s.skipped}` : `failed: ${s.failed[0] ?? 'no run'}`
      lines.push(`| ${s.label} | ${why.replaceAll('|', '\\|').slice(0, 200)} | | | | | | | | | | |`)
      continue
    }
    const bad = badness(s)
    lines.push('| ' + [
      `${bad.length ? '⚠️ ' : ''}${s.label}`,
      `${int(s.rps.median)} (${int(s.rps.min)}–${int(s.rps.max)})`,
      fix(s.ratio?.median, 2),
      range(s.cpuRatio, 2),
      fix(s.p50, 1),
      fix(s.p99, 1),
      `${fix(s.cpuUs.median, 1)} (${fix(s.cpuUs.min, 1)}–${fix(s.cpuUs.max, 1)})`,
      s.scenario === BASELINE ? '0' : signed(s.extraCpuUs?.median, 1),
      fix(s.startupMs?.median, 0),
      `${fix(s.rssWarmMB, 0)} / ${fix(s.rssMB, 0)}`,
      bad.length ? bad.join('; ') : '0',
      s.serverWaitPct === undefined ? '–' : `${fix(s.serverWaitPct, 0)} / ${fix(s.clientWaitPct, 0)}`
    ].join(' | ') + ' |')
  }

  const packages = summary.filter((s) => s.package && (s.scenario.startsWith('fp-') || s.budget !== undefined))
  if (packages.length) {
    lines.push('', '## Each package alone: extra server CPU per request over bare Fastify', '')
    lines.push('| package | +µs/req median (min–max) | budget | verdict |')
    lines.push('|---|---|---|---|')
    for (const s of packages) {
      const cost = s.extraCpuUs
        ? `${signed(s.extraCpuUs.median, 2)} (${signed(s.extraCpuUs.min, 2)} … ${signed(s.extraCpuUs.max, 2)})`
        : (s.skipped ? 'skipped (package not built or not a bench dependency)' : 'no result')
      // A package with more than one scenario (security: all of it, headers only) is told apart by its label.
      const name = packages.filter((p) => p.package === s.package).length > 1 ? `${s.package} (${s.label.replace(/^Fastify \+ /, '')})` : s.package
      const v = budgetVerdict({ extra: s.extraValues, budget: s.budget, noiseUs: noise, quality })
      lines.push(`| ${name} | ${cost} | ${s.budget === undefined ? '–' : `≤ ${s.budget}`} | ${v} |`)
    }
  }

  lines.push('', '## Notes', '')
  lines.push('- × bare and +µs/req are computed within each round against that round\'s bare Fastify run, then the median is taken; min–max show the spread over rounds.')
  lines.push('- × bare by CPU = bare Fastify\'s CPU µs/req ÷ this scenario\'s, per round: the throughput ratio if the server\'s CPU were the only limit. It agrees with × bare on a quiet machine and holds up much better than req/s when the machine is shared (see waited for CPU). The goal is judged on it.')
  lines.push('- Server CPU µs/req = the server process\'s own CPU time (user + system, all threads, from `process.cpuUsage()`) over the measured window ÷ responses completed. It is the cost that matters when a server is busy; req/s also depends on the load generator.')
  lines.push('- Start-up ms: from spawning the server process to its first 2xx answer (Node boot, module loading, plugin registration, listen, first request), median over rounds. RSS MB warm / end: resident memory after the warm-up and after the measured window.')
  lines.push('- Rate limits are set to 1e9 requests per minute in every scenario that has one (Fastify + security, fastify-production, the stock Fastify and Express stacks), so no 429 can make a stack look fast. Any error, timeout, non-2xx or wrong body is counted and the row marked ⚠️: its numbers are not comparable.')
  lines.push('- Everything that logs writes to stdout, which the harness connects to /dev/null: each line costs a real write syscall, as in a container, and goes nowhere.')
  lines.push(`- Run quality (src/verdict.js): inconclusive, and nothing gets a ✅, when there are fewer than ${RULES.minRounds} rounds, the control row is missing, the control's median by-CPU ratio is off 1 by more than ${RULES.controlMedian * 100} %, any single round of it by more than ${RULES.controlRound * 100} %, or the suite's per-round by-CPU ratios spread (max − min) by more than ${RULES.targetSpread * 100} % of their median.`)
  lines.push('- Goal verdict: the suite\'s median by-CPU ratio, widened either way by the run\'s relative noise (the 75th percentile over rounds of the control\'s difference from bare Fastify), must clear the goal for ✅ and miss it for ❌; in between it is too close to call.')
  lines.push(`- Budget verdict: noise = the 75th percentile over rounds of the difference, either way, between bare Fastify and the control (${noise === undefined ? 'no control this time' : `±${noise.toFixed(2)} µs here`}). ✅ when median + noise is within the budget; ❌ when median − noise is over it; otherwise too close to call. A budget smaller than the noise (errors and config have 0) can never pass: "no cost this run can see" is the most it gets.`)
  lines.push('- Waited for CPU: the share of the measured window during which the server\'s (autocannon\'s) event loop was ready to run but another process held its CPU (Linux /proc/self/schedstat run delay, minus the CPU time of the process\'s own GC/JIT threads on the same pinned CPU). Near 0 on a quiet machine. Above a few % the machine was shared: req/s is then meaningless and even CPU µs/req inflates (caches, context switches); take the numbers again on a quiet machine. `other load` in the JSON gives the CPUs\' busy time spent on other processes. Neighbours on a VM host are invisible to both: read the min–max.')
  const retaken = runs.filter((r) => r.attempts > 1)
  if (retaken.length) lines.push(`- ${retaken.length} of ${runs.length} runs were taken again because the machine was busy (${retaken.slice(0, 6).map((r) => `${r.scenario} r${r.round}×${r.attempts}`).join(', ')}${retaken.length > 6 ? ', …' : ''}).`)
  const skipped = summary.filter((s) => s.skipped)
  if (skipped.length) lines.push(`- Skipped (package not built, or not a dependency of bench/package.json): ${skipped.map((s) => `${s.scenario} (${s.skipped.slice(0, 120)})`).join('; ')}.`)
  const failed = summary.filter((s) => s.failed.length)
  for (const s of failed) lines.push(`- ${s.scenario} failed: ${s.failed.map((f) => f.split('\n')[0]).join('; ')}`)
  return lines
}
