// What each part of the logging package costs per request, in server CPU µs over bare Fastify.
// Build first (`npx tsc -b packages/logging`), then from the repository root:
//   node packages/logging/bench/request-cost.js [--rounds 5] [--duration 5] [--variants a,b] [--node /path/to/node] [--connections 50]
//   node packages/logging/bench/request-cost.js --serve <variant>     (one server, by hand: prints its port)
// `<variant>@<dir>` loads the package from `<dir>/dist` under bench/ instead (an A/B comparison against
// an earlier build: compile that build's src into e.g. bench/.before/dist).
// Each variant is a server process (pinned to CPU 1 when `taskset` and a second CPU exist) loaded with
// autocannon (bench/node_modules) on loopback, rounds interleaved (A B C … A B C …) so a busy minute
// of a shared machine hits every variant; the figure is the server's own CPU time (user + system)
// over the window ÷ responses, median over rounds, minus bare Fastify's in the same round.
// `--inject N`: no sockets, no load generator: each server process sends itself N requests with
// Fastify's inject() (20 in flight) after a warm-up, and reports its CPU per request. It leaves out
// the HTTP stack (a constant for every variant) and, on a machine shared with other work, holds up
// far better than a loopback load, whose generator starves and changes the server's batching.
// Not a test: numbers depend on the machine. stdout of the servers goes to /dev/null.
import { spawn, spawnSync } from 'node:child_process'
import { availableParallelism } from 'node:os'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const self = fileURLToPath(import.meta.url)
const HELLO = { hello: 'world', n: 1 }
const schema = { response: { 200: { type: 'object', properties: { hello: { type: 'string' }, n: { type: 'integer' } } } } }
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'

// name: [what it adds over the previous one, build(app deps), headers the load sends]
const variants = {
  bare: ['bare Fastify', ({ Fastify }) => Fastify()],
  logger: ['a pino logger (loggerOptions()), Fastify\'s request ids, no request lines', ({ Fastify, lib }) =>
    Fastify({ logger: lib.loggerOptions(), logController: new Fastify.LogController({ disableRequestLogging: true }) })],
  ids: ['requestIdOptions(): validated inbound id or counter id, our LogController', ({ Fastify, lib }) =>
    Fastify({ ...lib.requestIdOptions(), logger: lib.loggerOptions() })],
  header: ['an onRequest hook echoing the id (the plugin\'s hook without its context)', ({ Fastify, lib }) => {
    const app = Fastify({ ...lib.requestIdOptions(), logger: lib.loggerOptions() })
    app.addHook('onRequest', function echo (request, reply, done) {
      reply.header('x-request-id', request.id)
      done()
    })
    return app
  }],
  context: ['the plugin without access line or trace: header + request context (AsyncLocalStorage)', async ({ Fastify, lib }) => {
    const app = Fastify({ ...lib.requestIdOptions(), logger: lib.loggerOptions() })
    await app.register(lib.default, { accessLog: false, trace: false })
    return app
  }],
  access: ['the plugin with its access line, trace off', async ({ Fastify, lib }) => {
    const app = Fastify({ ...lib.requestIdOptions(), logger: lib.loggerOptions() })
    await app.register(lib.default, { trace: false })
    return app
  }],
  plugin: ['the plugin, defaults (trace on, no traceparent sent)', async ({ Fastify, lib }) => {
    const app = Fastify({ ...lib.requestIdOptions(), logger: lib.loggerOptions() })
    await app.register(lib.default)
    return app
  }],
  traced: ['the plugin, defaults, every request with a traceparent', async ({ Fastify, lib }) => {
    const app = Fastify({ ...lib.requestIdOptions(), logger: lib.loggerOptions() })
    await app.register(lib.default)
    return app
  }, { traceparent: TRACEPARENT }],
  'no-redact': ['the plugin, defaults, pino without redact paths', async ({ Fastify, lib }) => {
    const app = Fastify({ ...lib.requestIdOptions(), logger: { ...lib.loggerOptions(), redact: undefined } })
    await app.register(lib.default)
    return app
  }],
  'pino-line': ['the plugin, defaults, access line through pino (a log formatter of the user\'s)', async ({ Fastify, lib }) => {
    const options = lib.loggerOptions()
    const app = Fastify({ ...lib.requestIdOptions(), logger: { ...options, formatters: { ...options.formatters, log: (o) => o } } })
    await app.register(lib.default)
    return app
  }],
  'fastify-logging': ['Fastify({ logger: true }): Fastify\'s two lines per request', ({ Fastify }) => Fastify({ logger: true })]
}

const variantOf = (name) => variants[name.split('@')[0]]

let injected = 0

async function serve (name) {
  const require = createRequire(self)
  const Fastify = require('fastify')
  const build = name.split('@')[1]
  const lib = await import(build === undefined ? '../dist/index.js' : `./${build}/dist/index.js`)
  const app = await variantOf(name)[1]({ Fastify, lib })
  app.get('/hello', { schema }, async () => HELLO)
  await app.listen({ host: '127.0.0.1', port: 0 })
  process.on('message', (m) => {
    if (m === 'cpu') process.send({ cpu: process.cpuUsage() })
  })
  process.on('disconnect', () => process.exit(0))
  // By hand with --cpu-prof: Ctrl-C writes the profile.
  process.on('SIGINT', () => process.exit(0))
  const port = app.server.address().port
  if (injected > 0) {
    const headers = variantOf(name)[2] ?? {}
    const run = async (n) => {
      let left = n
      await Promise.all(Array.from({ length: 20 }, async () => {
        while (left-- > 0) {
          const res = await app.inject({ url: '/hello', headers })
          if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`)
        }
      }))
    }
    await run(Math.ceil(injected / 4))
    const before = process.cpuUsage()
    await run(injected)
    const used = process.cpuUsage(before)
    process.send({ perRequest: (used.user + used.system) / injected })
    return
  }
  if (process.send) process.send({ port })
  else console.error(`${name} listening on ${port}`)
}

function cpuOf (child) {
  child.send('cpu')
  return once(child, 'message').then(([m]) => m.cpu.user + m.cpu.system)
}

async function measure (name, options, autocannon) {
  const args = [self, '--serve', name, ...(options.inject > 0 ? ['--inject', String(options.inject)] : [])]
  const pinned = options.pin ? ['taskset', ['-c', '1', options.node, ...args]] : [options.node, args]
  const child = spawn(pinned[0], pinned[1], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } })
  const [{ port, perRequest }] = await once(child, 'message')
  if (perRequest !== undefined) {
    child.kill()
    await once(child, 'exit')
    return perRequest
  }
  const load = (seconds) => autocannon({ url: `http://127.0.0.1:${port}/hello`, connections: options.connections, duration: seconds, headers: variantOf(name)[2] ?? {} })
  await load(options.warmup)
  const before = await cpuOf(child)
  const result = await load(options.duration)
  const after = await cpuOf(child)
  child.kill()
  await once(child, 'exit')
  const responses = result['2xx']
  if (responses !== result.requests.total || result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.errors} errors, ${result.non2xx} non-2xx`)
  return (after - before) / responses
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main () {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      rounds: { type: 'string', default: '5' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      variants: { type: 'string', default: Object.keys(variants).join(',') },
      node: { type: 'string', default: process.execPath },
      inject: { type: 'string', default: '0' }
    }
  })
  injected = Number(values.inject)
  if (values.serve !== undefined) return serve(values.serve)
  const names = values.variants.split(',')
  if (!names.includes('bare')) names.unshift('bare')
  for (const n of names) if (variantOf(n) === undefined) throw new Error(`unknown variant ${n}; known: ${Object.keys(variants).join(', ')}`)
  // Once re-executed on CPU 0, this process sees one CPU: the first look decides.
  const pin = process.env.REQUEST_COST_PINNED === '1' || (availableParallelism() > 1 && spawnSync('taskset', ['-c', '0', 'true']).status === 0)
  if (pin && process.env.REQUEST_COST_PINNED === undefined) {
    // The load generator on CPU 0, the server on CPU 1.
    const again = spawnSync('taskset', ['-c', '0', process.execPath, self, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, REQUEST_COST_PINNED: '1' } })
    process.exit(again.status ?? 1)
  }
  const autocannon = createRequire(fileURLToPath(new URL('../../../bench/package.json', import.meta.url)))('autocannon')
  const options = { node: values.node, pin, inject: injected, connections: Number(values.connections), duration: Number(values.duration), warmup: Number(values.warmup) }
  const version = spawnSync(options.node, ['-v'], { encoding: 'utf8' }).stdout.trim()
  const rounds = Number(values.rounds)
  const extra = Object.fromEntries(names.map((n) => [n, []]))
  const own = Object.fromEntries(names.map((n) => [n, []]))
  for (let r = 0; r < rounds; r++) {
    const round = {}
    for (const n of names) round[n] = await measure(n, options, autocannon)
    for (const n of names) {
      own[n].push(round[n])
      extra[n].push(round[n] - round.bare)
    }
    console.error(`round ${r + 1}/${rounds}: ${names.map((n) => `${n} ${round[n].toFixed(2)}`).join(', ')}`)
  }
  const load = injected > 0 ? `${injected} inject() requests, 20 in flight` : `${options.duration} s, ${options.connections} connections`
  console.log(`Node ${version}, ${rounds} rounds × ${load}, server ${pin ? 'pinned to CPU 1' : 'unpinned'}; µs of server CPU per request`)
  // Other work on the machine only ever adds time: the quickest round of each variant is the one
  // least disturbed, and on a shared machine the difference of minimums is the steadier estimate.
  console.log('| variant | what | CPU µs/req median (min) | + over bare: median of per-round differences (min–max) | + over bare: min − min |')
  console.log('|---|---|---|---|---|')
  const least = (n) => Math.min(...own[n])
  for (const n of names) {
    const xs = extra[n]
    const over = n === 'bare' ? '— | —' : `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}) | ${(least(n) - least('bare')).toFixed(2)}`
    console.log(`| ${n} | ${variantOf(n)[0]} | ${median(own[n]).toFixed(2)} (${least(n).toFixed(2)}) | ${over} |`)
  }
}

await main()
