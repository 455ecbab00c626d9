import cluster from 'node:cluster'
import { fileURLToPath } from 'node:url'
import startSuite from './fastify-production.js'

// Overload only (src/overload.js): the suite's app (./fastify-production.js, same options) in ONE
// node:cluster worker. The primary accepts every connection (round-robin scheduling, Node's default
// on Linux) and hands it to the worker over IPC, so the question is whether connections opened
// during a flood still wait for a busy worker's loop (one accept per turn, libuv#3696) or now reach
// its queue-delay shedding. Primary and worker inherit the harness's taskset: one CPU for both.
//
// node:cluster directly, not @fastify-production/cluster: its start() runs `workers: 1` in-process,
// with no primary at all, and two workers on one CPU would measure something else.

const WORKER_ENV = 'BENCH_CLUSTER_WORKER'
const READY_TIMEOUT = 20_000

if (cluster.isWorker && process.env[WORKER_ENV] === '1') {
  // listen() in a worker asks the primary, which binds (port 0: a free port, the probe listener
  // another one) and reports the address back: the worker sees the real ports and sends them up.
  const handle = await startSuite({ port: Number(process.env.BENCH_CLUSTER_PORT) })
  process.send({ type: 'ready', port: handle.port, probePort: handle.probePort })
  process.on('message', (message) => {
    if (message?.type === 'close') handle.close().then(() => process.exit(0), () => process.exit(1))
  })
  // A cluster worker exits by itself when the primary's IPC channel closes (SIGKILL of the primary).
}

export default async function start ({ port }) {
  cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), args: [] })
  const worker = cluster.fork({ [WORKER_ENV]: '1', BENCH_CLUSTER_PORT: String(port) })
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { worker.process.kill('SIGKILL'); reject(new Error(`worker not ready within ${READY_TIMEOUT} ms`)) }, READY_TIMEOUT)
    worker.on('message', (message) => {
      if (message?.type === 'ready') { clearTimeout(timer); resolve(message) }
    })
    worker.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`worker exited before ready (code ${code}, signal ${signal})`)) })
  })
  // The harness SIGKILLs the primary: its worker sees the IPC channel close and exits. A SIGTERM
  // (or SIGINT) to the primary takes the worker down first.
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => { worker.process.kill('SIGKILL'); process.exit(1) })
  }
  return {
    port: ready.port,
    probePort: ready.probePort,
    worker: worker.process.pid,
    close: () => new Promise((resolve) => {
      worker.once('exit', () => resolve())
      worker.send({ type: 'close' })
    })
  }
}
