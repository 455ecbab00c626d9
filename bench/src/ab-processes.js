// A/B of whole scenario servers (`node src/ab-processes.js [--rounds 30] [--seconds 1] [--connections 50]
// [--node 24] label=spec ...`): each spec is a scenario server in its own process, all pinned to CPU 1
// and loaded in turn with autocannon, a short window each, order rotated every round, as src/ab.js
// does with routes in one process. Drift on a shared VM hits neighbouring windows alike, so the
// per-round differences hold where src/run.js's rounds (minutes apart) do not.
//
// A spec is `scenario`, `scenario+JSON` (the suite's umbrella options merged over the scenario's:
// `fastify-production+{"logging":false}` is the suite without logging; only the `fastify-production`
// scenario reads them) or `scenario@DIR` (that scenario from another checkout's bench/, e.g. a
// `git worktree` of the previous commit, built). The first spec is the reference (bare Fastify);
// the second is what the rest are compared with as well (e.g. the suite, against the suite minus a part).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { HOST, ROUTE, BODY } from './common.js'
import { ServerProcess } from './server-process.js'
import { resolveNode } from './node-binary.js'
import { compareRounds, parseSpec } from './ab-stats.js'
import { pinLoadGenerator } from './pin.js'

const argv = process.argv.slice(2)
const flags = {}
const specs = []
for (let i = 0; i < argv.length; i++) {
  if (argv[i].startsWith('--')) flags[argv[i].slice(2)] = argv[++i]
  else specs.push(argv[i])
}
const number = (key, fallback) => (flags[key] === undefined ? fallback : Number(flags[key]))
const rounds = number('rounds', 30)
const seconds = number('seconds', 1)
const connections = number('connections', 50)
if (specs.length < 2 || ![rounds, seconds, connections].every((n) => Number.isInteger(n) && n > 0)) {
  console.error('usage: node src/ab-processes.js [--rounds 30] [--seconds 1] [--connections 50] [--node 24] label=scenario[+JSON|@DIR] ... (at least two; the first is the reference)')
  process.exit(2)
}
let parsed
try {
  parsed = specs.map(parseSpec)
} catch (err) {
  console.error(err.message)
  process.exit(2)
}

const taskset = await pinLoadGenerator(fileURLToPath(import.meta.url), argv)

const node = resolveNode(flags.node)
const servers = []
try {
  for (const spec of parsed) {
    const serverPath = spec.dir === undefined ? undefined : path.resolve(spec.dir, 'src', 'server.js')
    const env = spec.options === undefined ? {} : { BENCH_SUITE_OPTIONS: JSON.stringify(spec.options) }
    const server = new ServerProcess({ scenario: spec.scenario, nodeBin: node.bin, cpu: taskset ? 1 : undefined, env, serverPath })
    servers.push(server)
    const ready = await server.ready()
    if (ready.type !== 'ready') throw new Error(`${spec.label}: ${ready.reason ?? ready.error}\n${server.stderr}`.trim())
    server.port = ready.port
  }

  const load = (port, duration) => new Promise((resolve, reject) => {
    autocannon({ url: `http://${HOST}:${port}${ROUTE}`, connections, duration, expectBody: BODY }, (err, result) => (err ? reject(err) : resolve(result)))
  })
  const cpuOf = async (server) => { const { cpu } = await server.stats(); return cpu.user + cpu.system }

  for (const server of servers) await load(server.port, 2) // warm-up: JIT, pools
  const perRound = []
  const dropped = []
  for (let round = 0; round < rounds; round++) {
    const row = []
    const bad = []
    for (let i = 0; i < servers.length; i++) {
      const k = (round + i) % servers.length
      const before = await cpuOf(servers[k])
      const result = await load(servers[k].port, seconds)
      row[k] = (await cpuOf(servers[k]) - before) / result['2xx']
      // A cheaper answer (a 503 shed on a VM's stall, an error) would make that window look fast.
      if (result['2xx'] === 0 || result.non2xx > 0 || result.errors > 0) {
        const codes = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${count}× ${code}`)
        bad.push(`${parsed[k].label}: ${result['2xx']} 2xx, ${result.errors} errors${codes.length ? `, ${codes.join(', ')}` : ''}`)
      }
    }
    if (bad.length) {
      dropped.push(round + 1)
      console.log(`round ${round + 1}/${rounds}  dropped: ${bad.join('; ')}`)
      continue
    }
    perRound.push(row)
    console.log(`round ${round + 1}/${rounds}  ` + parsed.map((s, k) => `${s.label} ${row[k].toFixed(1)}`).join('  '))
  }
  if (perRound.length === 0) throw new Error('every round was dropped: nothing to compare')

  console.log(`\n${node.version}, ${perRound.length} rounds × ${servers.length} windows of ${seconds} s` +
    `${dropped.length ? ` (${dropped.length} more dropped for non-2xx answers: rounds ${dropped.join(', ')})` : ''}, ${connections} connections, GET ${ROUTE}; server CPU µs/req`)
  for (const line of compareRounds(parsed.map((s) => s.label), perRound)) console.log(line)
} catch (err) {
  // A scenario that does not boot, or a run with every round dropped: the message says which.
  console.error(err.message)
  process.exitCode = 1
} finally {
  await Promise.all(servers.map((server) => server.kill()))
}
