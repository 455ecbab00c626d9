import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { userNodeEnv } from '@fastify-production/test-support'

const fixture = fileURLToPath(new URL('../fixtures/app.mjs', import.meta.url))

export type LogLine = Record<string, unknown> & { level: number, msg: string, time: number }

export interface FixtureConfig {
  options?: Record<string, unknown>
  health?: boolean
  failingOnClose?: boolean
  hooks?: Array<{ name: string, fails?: boolean, hangs?: boolean }>
  /** Installs the real close-with-grace (closing the app) before registering the plugin, or after listening. */
  closeWithGrace?: 'before' | 'after'
}

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
  /** performance.now() in this process when the child exited */
  at: number
}

/** The fixture app in its own process, with its pino lines parsed as they arrive. */
export class AppProcess {
  readonly child: ChildProcess
  readonly lines: LogLine[] = []
  readonly exited: Promise<Exit>
  port = 0
  #waiters: Array<{ match: (line: LogLine) => boolean, resolve: (line: LogLine) => void }> = []
  stderr = ''

  private constructor (config: FixtureConfig) {
    // A user's Node: no coverage or loader flags from the test runner, no Kubernetes default delay.
    const env = userNodeEnv({ FIXTURE: JSON.stringify(config) })
    delete env.KUBERNETES_SERVICE_HOST
    this.child = spawn(process.execPath, [fixture], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let rest = ''
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n')
      rest = parts.pop() ?? ''
      for (const part of parts) {
        if (part === '') continue
        const line = JSON.parse(part) as LogLine
        this.lines.push(line)
        this.#waiters = this.#waiters.filter((w) => {
          if (!w.match(line)) return true
          w.resolve(line)
          return false
        })
      }
    })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk })
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal, at: performance.now() }) as Exit)
  }

  /** Spawns the fixture without waiting for it to listen. */
  static spawn (config: FixtureConfig = {}): AppProcess {
    return new AppProcess(config)
  }

  static async start (config: FixtureConfig = {}): Promise<AppProcess> {
    const app = new AppProcess(config)
    const listening = await Promise.race([
      app.waitForLog(/^Server listening at/),
      app.exited.then((exit) => { throw new Error(`fixture exited before listening: ${JSON.stringify(exit)} ${app.stderr}`) })
    ])
    app.port = Number(/:(\d+)$/.exec(listening.msg)?.[1])
    return app
  }

  /** Resolves with the first log line, already seen or to come, that matches. */
  waitFor (match: (line: LogLine) => boolean): Promise<LogLine> {
    const seen = this.lines.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve) => { this.#waiters.push({ match, resolve }) })
  }

  waitForLog (pattern: RegExp): Promise<LogLine> {
    return this.waitFor((line) => typeof line.msg === 'string' && pattern.test(line.msg))
  }

  log (pattern: RegExp): LogLine | undefined {
    return this.lines.find((line) => typeof line.msg === 'string' && pattern.test(line.msg))
  }

  /** Sends a signal and returns performance.now() at the moment it was sent. */
  signal (signal: NodeJS.Signals): number {
    const at = performance.now()
    this.child.kill(signal)
    return at
  }

  /** Lets the fixture answer its GET /held request. */
  release (): void {
    this.child.stdin?.write('go\n')
  }

  /** Ends the child if a test left it running. */
  stop (): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
  }
}

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
  reusedSocket: boolean
}

/** GET over a real socket. Rejects with the socket error (ECONNRESET, ECONNREFUSED...) if there is one. */
export function get (port: number, path: string, agent: http.Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, headers: res.headers, body, reusedSocket: req.reusedSocket }) })
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

/** Resolves once the fixture logged that a request for this path came in (Fastify's 'incoming request' line). */
export function waitForIncoming (app: AppProcess, path: string): Promise<LogLine> {
  return app.waitFor((line) => line.msg === 'incoming request' && (line.req as { url?: string } | undefined)?.url === path)
}
