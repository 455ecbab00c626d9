// A/B in one server process (`node src/ab.js <variant>`): what one part of the suite costs per request
// when the machine's speed drifts faster than the scenario runs of src/run.js can follow (a shared VM).
// The three routes of src/ab-server.js are loaded in turn, a few seconds each, order rotated every
// round; each window's server CPU time ÷ its responses gives µs/req. Per round: b − a (the part's cost)
// and a2 − a (an identical route in its own context: the noise). Drift hits neighbouring windows
// alike, so the differences hold where the absolute numbers do not.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { HOST } from './common.js'
import { median, quantile } from './stats.js'
import { variants } from './ab-server.js'
import { pinLoadGenerator } from './pin.js'

const argv = process.argv.slice(2)
const name = argv.find((a) => !a.startsWith('--'))
const flag = (key, fallback) => { const i = argv.indexOf(`--${key}`); return i === -1 ? fallback : Number(argv[i + 1]) }
const rounds = flag('rounds', 15)
const seconds = flag('seconds', 2)
const connections = flag('connections', 50)
if (!variants[name]) {
  console.error(`usage: node src/ab.js <variant> [--rounds 15] [--seconds 2] [--connections 50]; variants: ${Object.keys(variants).join(', ')}`)
  process.exit(2)
}

const taskset = await pinLoadGenerator(fileURLToPath(import.meta.url), argv)

const serverPath = fileURLToPath(new URL('./ab-server.js', import.meta.url))
const server = taskset
  ? fork(serverPath, [name], { execPath: 'taskset', execArgv: ['-c', '1', process.execPath], env: { ...process.env, NODE_ENV: 'production', BENCH_PINNED: undefined } })
  : fork(serverPath, [name], { env: { ...process.env, NODE_ENV: 'production' } })
const next = () => new Promise((resolve) => server.once('message', resolve))
const { port } = await next()
const cpu = async () => { server.send({ type: 'stats' }); const { cpu } = await next(); return cpu.user + cpu.system }
const load = (path, duration) => new Promise((resolve, reject) => {
  autocannon({ url: `http://${HOST}:${port}${path}`, connections, duration }, (err, result) => (err ? reject(err) : resolve(result)))
})

const routes = ['/a', '/a2', '/b']
for (const path of routes) await load(path, 1) // warm-up: JIT, pools, the upstream's connections
const perRound = []
for (let round = 0; round < rounds; round++) {
  const costs = {}
  for (let i = 0; i < routes.length; i++) {
    const path = routes[(round + i) % routes.length]
    const before = await cpu()
    const result = await load(path, seconds)
    const ok = result['2xx']
    if (ok === 0 || result.non2xx > 0 || result.errors > 0) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`)
    costs[path] = (await cpu() - before) / ok
  }
  perRound.push({ a: costs['/a'], control: costs['/a2'] - costs['/a'], cost: costs['/b'] - costs['/a'] })
  console.log(`round ${round + 1}/${rounds}  a ${costs['/a'].toFixed(2)} µs/req  b − a ${(costs['/b'] - costs['/a']).toFixed(2)}  a2 − a ${(costs['/a2'] - costs['/a']).toFixed(2)}`)
}
server.send({ type: 'close' })

const summary = (values) => `${median(values).toFixed(2)} (IQR ${quantile(values, 0.25).toFixed(2)} … ${quantile(values, 0.75).toFixed(2)})`
console.log(`\n${name}: ${variants[name].label}`)
console.log(`bare route: ${summary(perRound.map((r) => r.a))} µs/req; ${rounds} rounds × 3 windows of ${seconds} s, ${connections} connections`)
console.log(`**part's cost (b − a): ${summary(perRound.map((r) => r.cost))} µs/req**; noise (a2 − a, an identical route): ${summary(perRound.map((r) => r.control))} µs/req`)
