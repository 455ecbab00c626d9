import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { userNodeEnv } from '@fastify-production/test-support'

export type LogLine = Record<string, unknown> & { msg: string }

/** The fixture app in its own process (a user's Node, no test loaders), its pino lines parsed as they come. */
export class AppProcess {
  readonly child: ChildProcess
  readonly lines: LogLine[] = []
  readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  stderr = ''
  #waiters: Array<{ pattern: RegExp, resolve: (line: LogLine) => void }> = []

  constructor (fixture: string) {
    const env = userNodeEnv()
    delete env.KUBERNETES_SERVICE_HOST
    this.child = spawn(process.execPath, [fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url))], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let rest = ''
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n')
      rest = parts.pop() ?? ''
      for (const part of parts) {
        const line = JSON.parse(part) as LogLine
        this.lines.push(line)
        this.#waiters = this.#waiters.filter((w) => {
          if (!w.pattern.test(line.msg)) return true
          w.resolve(line)
          return false
        })
      }
    })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.stderr += chunk })
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({ code, signal }) as { code: number | null, signal: NodeJS.Signals | null })
  }

  /** The first log line, already seen or to come, whose message matches. */
  waitForLog (pattern: RegExp): Promise<LogLine> {
    const seen = this.lines.find((line) => pattern.test(line.msg))
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve) => { this.#waiters.push({ pattern, resolve }) })
  }

  async port (): Promise<number> {
    const listening = await Promise.race([
      this.waitForLog(/^Server listening at/),
      this.exited.then((exit) => { throw new Error(`fixture exited before listening: ${JSON.stringify(exit)} ${this.stderr}`) })
    ])
    return Number(/:(\d+)$/.exec(listening.msg)?.[1])
  }

  /** Lets the fixture's held tasks finish. */
  release (): void {
    this.child.stdin?.write('go\n')
  }

  stop (): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL')
  }
}
