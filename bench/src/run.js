// `pnpm bench [--quick] [--overload | --skip-overload] [--rounds N] [--duration S] [--warmup S] [--connections C]
//             [--scenarios a,b] [--node 24] [--health JSON] [--backlog N] [--out name] [--list] [--from-json results/x.json]`
// See ../README.md for the method and how to read the table.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { BODY, HOST, ROUTE } from './common.js'
import { BASELINE, CONTROL, scenarios } from './scenarios.js'
import { ServerProcess } from './server-process.js'
import { resolveNode } from './node-binary.js'
import { cpuTicks, foreignWaitPercent, mainThreadSched, otherLoadPercent } from './cpu-contention.js'
import { machineLine, markdown, summarize } from './report.js'
import { OVERLOAD_SCENARIOS, runOverload } from './overload.js'

const SERVER_CPU = 1
const CLIENT_CPU = 0
const benchDir = fileURLToPath(new URL('..', import.meta.url))
const argv = process.argv.slice(2)

const { values: flags } = parseArgs({
  args: argv,
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '100' },
    scenarios: { type: 'string' },
    node: { type: 'string' },
    out: { type: 'string' },
    'max-wait': { type: 'string' },
    retries: { type: 'string' },
    overload: { type: 'boolean', default: false },
    'skip-overload': { type: 'boolean', default: false },
    health: { type: 'string' },
    backlog: { type: 'string' },
    list: { type: 'boolean', default: false },
    'from-json': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false }
  }
})

if (flags.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 2).join('\n').replaceAll('// ', ''))
  process.exit(0)
}
if (flags.list) {
  for (const s of scenarios) console.log(`${s.name.padEnd(20)} ${s.label}`)
  process.exit(0)
}

// Re-render the table of an earlier run (e.g. after the report format changed).
if (flags['from-json']) {
  const file = path.resolve(flags['from-json'])
  const saved = JSON.parse(readFileSync(file, 'utf8'))
  const { summary: _old, runs: savedRuns, ...savedMeta } = saved
  const summary = summarize(savedRuns, savedMeta.scenarios)
  const md = markdown({ summary, meta: savedMeta, runs: savedRuns, overload: savedMeta.overload })
  writeFileSync(file.replace(/\.json$/, '.md'), md)
  writeFileSync(file, JSON.stringify({ ...savedMeta, summary, runs: savedRuns }, null, 2) + '\n')
  console.log(md)
  process.exit(0)
}

function positive (name, value, fallback, integer = false) {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    console.error(`--${name} takes a positive ${integer ? 'integer' : 'number'}, got "${value}"`)
    process.exit(2)
  }
  return n
}

const options = {
  quick: flags.quick,
  rounds: positive('rounds', flags.rounds, flags.quick ? 1 : 5, true),
  duration: positive('duration', flags.duration, flags.quick ? 1 : 10),
  warmup: positive('warmup', flags.warmup, flags.quick ? 0.5 : 3),
  connections: positive('connections', flags.connections, 100, true),
  // On a shared machine, a run during which the server or autocannon waited for its CPU is taken again.
  maxWait: flags.quick && flags['max-wait'] === undefined ? undefined : positive('max-wait', flags['max-wait'], 10),
  retries: flags.retries === '0' ? 0 : positive('retries', flags.retries, 2, true),
  node: flags.node,
  // `--overload` runs only the overload scenario; a full run (not --quick) ends with it.
  table: !flags.overload,
  overload: flags.overload || (!flags.quick && !flags['skip-overload']),
  health: flags.health === undefined ? undefined : parseJson('health', flags.health)
}
// The Fastify scenarios' listen `backlog` (the kernel's accept queue; Node's default 511), to try
// how a shorter queue changes the overload rows. Their servers read it from the environment.
if (flags.backlog !== undefined) process.env.BENCH_BACKLOG = String(positive('backlog', flags.backlog, undefined, true))

function parseJson (name, text) {
  try {
    return JSON.parse(text)
  } catch (err) {
    console.error(`--${name} takes JSON (e.g. '{"maxEventLoopDelay":200}'): ${err.message}`)
    process.exit(2)
  }
}

// `--overload` also knows its own rows (the suite with its probes on their own port, in a cluster).
const known = options.table ? scenarios.map((s) => s.name) : OVERLOAD_SCENARIOS
let order = flags.scenarios ? flags.scenarios.split(',').map((s) => s.trim()).filter(Boolean) : [...known]
const unknown = order.filter((name) => !known.includes(name))
if (unknown.length) {
  console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${known.join(', ')}`)
  process.exit(2)
}

// Pin this process (the load generator) to one CPU by re-running it under taskset; the servers get
// the other. Without taskset or a second CPU, run unpinned and say so.
const hasTaskset = spawnSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }).status === 0
if (hasTaskset && !process.env.BENCH_PINNED && os.availableParallelism() >= 2) {
  const child = spawn('taskset', ['-c', String(CLIENT_CPU), process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_PINNED: '1' }
  })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + os.constants.signals[signal] : 1)))
  // The pinned child does the work; this process only waits for it to exit (handler above).
  await new Promise(() => {})
}
const pinned = process.env.BENCH_PINNED === '1'

if (options.table && !order.includes(CONTROL)) {
  console.log(`adding ${CONTROL}: without it the run's noise is unknown and nothing can be judged`)
  order = [CONTROL, ...order]
}
if (options.table && !order.includes(BASELINE)) {
  console.log(`adding ${BASELINE}: every ratio is taken against it`)
  order = [BASELINE, ...order]
}

function load (port, seconds) {
  return new Promise((resolve, reject) => {
    autocannon({
      url: `http://${HOST}:${port}${ROUTE}`,
      connections: options.connections,
      duration: seconds,
      expectBody: BODY
    }, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

async function runOnce (scenario, round, nodeBin) {
  const server = new ServerProcess({ scenario, nodeBin, cpu: pinned ? SERVER_CPU : undefined })
  try {
    const ready = await server.ready()
    if (ready.type === 'skip') return { round, scenario, status: 'skip', reason: ready.reason }
    if (ready.type === 'error') return { round, scenario, status: 'error', error: `${ready.error}\n${server.stderr}`.trim() }
    const startupMs = await server.firstOk(HOST, ready.port, ROUTE)
    await load(ready.port, options.warmup)
    const before = await server.stats()
    const ticksBefore = cpuTicks()
    const selfBefore = process.cpuUsage()
    const schedBefore = mainThreadSched()
    const wallBefore = process.hrtime.bigint()
    const result = await load(ready.port, options.duration)
    const wallUs = Number(process.hrtime.bigint() - wallBefore) / 1000
    const self = process.cpuUsage(selfBefore)
    const schedAfter = mainThreadSched()
    const ticksAfter = cpuTicks()
    const after = await server.stats()
    const cpu = (after.cpu.user - before.cpu.user) + (after.cpu.system - before.cpu.system)
    const requests = result.requests.total
    const statusCodes = {}
    for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(count)
    return {
      round,
      scenario,
      status: 'ok',
      node: ready.node,
      requests,
      seconds: result.duration,
      rps: requests / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      cpuUs: requests > 0 ? cpu / requests : undefined,
      startupMs,
      rssWarmMB: before.rss / 1024 / 1024,
      rssMB: after.rss / 1024 / 1024,
      serverWaitPct: foreignWaitPercent(before.sched, after.sched, cpu, wallUs),
      clientWaitPct: foreignWaitPercent(schedBefore, schedAfter, self.user + self.system, wallUs),
      // Only meaningful when pinned: then the server owns SERVER_CPU and we own CLIENT_CPU.
      otherLoadServerCpu: pinned ? otherLoadPercent(ticksBefore, ticksAfter, SERVER_CPU, cpu, wallUs) : undefined,
      otherLoadClientCpu: pinned ? otherLoadPercent(ticksBefore, ticksAfter, CLIENT_CPU, self.user + self.system, wallUs) : undefined,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      mismatches: result.mismatches,
      statusCodes,
      stderr: server.stderr.slice(0, 2000) || undefined
    }
  } catch (err) {
    return { round, scenario, status: 'error', error: `${err.message}\n${server.stderr}`.trim() }
  } finally {
    await server.kill()
  }
}

// How much the busier of the two processes (server, load generator) was held back by others.
function waited (run) {
  return Math.max(run.serverWaitPct ?? 0, run.clientWaitPct ?? 0)
}

function progress (run, rounds) {
  const head = `round ${run.round}/${rounds}  ${run.scenario.padEnd(19)}`
  if (run.status === 'skip') return `${head} SKIPPED: ${run.reason}`
  if (run.status === 'error') return `${head} FAILED: ${run.error.split('\n').slice(0, 6).join('\n    ')}`
  const bad = run.errors + run.timeouts + run.non2xx + run.mismatches
  return `${head} ${Math.round(run.rps).toLocaleString('en-US').padStart(8)} req/s  ` +
    `p50 ${run.p50.toFixed(1)} ms  p99 ${run.p99.toFixed(1)} ms  ` +
    `cpu ${run.cpuUs.toFixed(1)} µs/req  start ${run.startupMs.toFixed(0)} ms  rss ${run.rssWarmMB.toFixed(0)}/${run.rssMB.toFixed(0)} MB` +
    (run.serverWaitPct === undefined ? '' : `  waited ${run.serverWaitPct.toFixed(0)}%/${run.clientWaitPct.toFixed(0)}%`) +
    (bad ? `  !! ${run.errors} errors, ${run.timeouts} timeouts, ${run.non2xx} non-2xx, ${run.mismatches} wrong bodies` : '')
}

const node = resolveNode(options.node)
const autocannonVersion = JSON.parse(readFileSync(path.join(benchDir, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version
const cpus = os.cpus()
const machine = {
  cpu: cpus[0]?.model.trim() ?? 'unknown',
  cores: cpus.length,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg(),
  serverNode: node.version,
  harnessNode: process.version,
  autocannon: autocannonVersion,
  pinned,
  serverCpu: pinned ? SERVER_CPU : undefined,
  clientCpu: pinned ? CLIENT_CPU : undefined
}
console.log(`machine: ${machineLine(machine)}; load average ${machine.loadAverage.map((n) => n.toFixed(2)).join(' ')}`)
if (options.table) {
  console.log(`bench: ${order.length} scenarios × ${options.rounds} round(s), ${options.warmup} s warm-up + ${options.duration} s, ` +
    `${options.connections} connections${pinned ? `, server CPU ${SERVER_CPU} / autocannon CPU ${CLIENT_CPU}` : ', unpinned'}`)
}

const runs = []
const skipped = new Set()
for (let round = 1; options.table && round <= options.rounds; round++) {
  for (const scenario of order) {
    // A scenario that could not load (or boot) once is not retried: rounds stay comparable.
    if (skipped.has(scenario)) continue
    const attempts = []
    for (;;) {
      const attempt = await runOnce(scenario, round, node.bin)
      attempt.attempt = attempts.length + 1
      attempts.push(attempt)
      const busy = attempt.status === 'ok' && options.maxWait !== undefined && waited(attempt) > options.maxWait
      const again = busy && attempts.length <= options.retries
      console.log(progress(attempt, options.rounds) + (attempts.length > 1 ? `  [attempt ${attempts.length}]` : '') +
        (again ? '  (busy machine: taking it again)' : ''))
      if (!again) break
    }
    // A failure stays a failure; otherwise keep the attempt during which the server waited least.
    const run = attempts.at(-1).status !== 'ok'
      ? attempts.at(-1)
      : attempts.reduce((best, a) => (waited(a) < waited(best) ? a : best))
    run.attempts = attempts.length
    runs.push(run)
    if (attempts.length > 1) console.log(`    kept attempt ${run.attempt} of ${attempts.length}`)
    if (run.status !== 'ok') skipped.add(scenario)
    else if (run.stderr && round === 1) console.log(`    stderr: ${run.stderr.split('\n').slice(0, 3).join('\n    ')}`)
  }
}

let overload
if (options.overload) {
  console.log(`overload: ${options.quick ? 'quick (proves the harness only)' : 'full'}; bare Fastify, the stock stack and the suite at 2× and 4× their capacity`)
  // `--overload --scenarios fastify-production` measures only the listed ones of the three.
  try {
    overload = await runOverload({ nodeBin: node.bin, cpu: pinned ? SERVER_CPU : undefined, quick: options.quick, health: options.health, only: flags.scenarios?.split(',') })
  } catch (err) {
    // The table's numbers are still worth writing.
    console.error(`overload scenario crashed: ${err.stack}`)
    process.exitCode = 1
  }
}

const date = new Date().toISOString().slice(0, 10)
machine.serverNode = runs.find((r) => r.node)?.node ?? node.version
const meta = {
  date,
  command: `node src/run.js${argv.length ? ' ' + argv.join(' ') : ''}`,
  options,
  scenarios: options.table ? order : [],
  machine,
  overload
}
const summary = summarize(runs, meta.scenarios)
const md = markdown({ summary, meta, runs, overload })

const base = flags.out ?? `${date}${options.quick ? '-quick' : ''}${options.table ? '' : '-overload'}${options.node ? `-node${options.node}` : ''}`
const resultsDir = path.join(benchDir, 'results')
mkdirSync(resultsDir, { recursive: true })
writeFileSync(path.join(resultsDir, `${base}.md`), md)
writeFileSync(path.join(resultsDir, `${base}.json`), JSON.stringify({ ...meta, summary, runs }, null, 2) + '\n')

console.log('\n' + md)
console.log(`written: results/${base}.md, results/${base}.json`)

// Skips are expected while packages are unbuilt; a scenario that failed to boot or crashed is not.
if (runs.some((r) => r.status === 'error') || overload?.scenarios.some((s) => s.status === 'error')) process.exitCode = 1
// Everything is written; a socket the kernel has not finished closing must not keep the CLI waiting.
process.exit()
