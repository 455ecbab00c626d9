import { spawn } from 'node:child_process'
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'

const serverPath = fileURLToPath(new URL('./server.js', import.meta.url))
const READY_TIMEOUT = 30_000
const STATS_TIMEOUT = 10_000

// One scenario server as a child process: pinned with taskset when asked, stdout to /dev/null (so
// every scenario's logs cost a real write, as in production, and go nowhere), IPC for the rest.
export class ServerProcess {
  // `entry`: another checkout's bench/src/server.js (src/ab-processes.js's `scenario@DIR`).
  constructor ({ scenario, nodeBin, cpu, env = {}, serverPath: entry = serverPath }) {
    const args = [entry, scenario, '0']
    const [command, argv] = cpu === undefined
      ? [nodeBin, args]
      : ['taskset', ['-c', String(cpu), nodeBin, ...args]]
    this.stderr = ''
    this.exited = false
    this.spawnedAt = performance.now()
    this.child = spawn(command, argv, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production', BENCH_PINNED: undefined, ...env }
    })
    this.child.stderr.setEncoding('utf8')
    this.child.stderr.on('data', (chunk) => {
      if (this.stderr.length < 20_000) this.stderr += chunk
    })
    this.exit = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true
        resolve({ code, signal })
      })
    })
    this.nextId = 0
  }

  // Resolves with { type: 'ready' | 'skip' | 'error', ... }.
  ready () {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish({ type: 'error', error: `no ready message within ${READY_TIMEOUT} ms` }), READY_TIMEOUT)
      const onMessage = (message) => {
        if (['ready', 'skip', 'error'].includes(message.type)) finish(message)
      }
      const onExit = (code, signal) => finish({ type: 'error', error: `exited before ready (code ${code}, signal ${signal})` })
      const finish = (result) => {
        clearTimeout(timer)
        this.child.off('message', onMessage)
        this.child.off('exit', onExit)
        resolve(result)
      }
      this.child.on('message', onMessage)
      this.child.once('exit', onExit)
    })
  }

  // The server's own CPU time and RSS, read inside the server process.
  stats () {
    const id = ++this.nextId
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no stats within ${STATS_TIMEOUT} ms`)), STATS_TIMEOUT)
      const onMessage = (message) => {
        if (message.type === 'stats' && message.id === id) finish(null, message)
      }
      const onExit = (code, signal) => finish(new Error(`server exited (code ${code}, signal ${signal})`))
      const finish = (err, message) => {
        clearTimeout(timer)
        this.child.off('message', onMessage)
        this.child.off('exit', onExit)
        if (err) reject(err)
        else resolve(message)
      }
      this.child.on('message', onMessage)
      this.child.once('exit', onExit)
      try {
        this.child.send({ type: 'stats', id })
      } catch (err) {
        finish(err)
      }
    })
  }

  // Milliseconds from spawn to the first 2xx answer to GET `path`, on a fresh connection each try: what
  // an orchestrator waits for before it sends traffic to a new (or restarted) instance.
  async firstOk (host, port, path) {
    for (let attempt = 0; ; attempt++) {
      const status = await new Promise((resolve) => {
        const req = http.get({ host, port, path, agent: false, timeout: 5_000 }, (res) => {
          res.resume()
          res.on('end', () => resolve(res.statusCode))
        })
        req.on('timeout', () => req.destroy(new Error('timeout')))
        req.on('error', () => resolve(0))
      })
      if (status >= 200 && status < 300) return performance.now() - this.spawnedAt
      if (attempt >= 50 || this.exited) throw new Error(`no 2xx from GET ${path} after ${attempt + 1} tries (last: ${status || 'no answer'})`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  async kill () {
    if (!this.exited) this.child.kill('SIGKILL')
    await this.exit
  }
}
