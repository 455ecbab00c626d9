import { fork, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

const server = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'server.js')

export interface ServerProcess {
  child: ChildProcess
  /** stdout so far */
  output: () => string
  /** Resolves when stdout matches; rejects if the process exits first or after `ms` (a hang turned into a message). */
  waitFor: (pattern: RegExp, ms?: number) => Promise<void>
  exit: Promise<{ code: number | null, stdout: string, stderr: string }>
}

/** Runs dist/server.js as the Dockerfile does, with `env` over a clean environment (no inherited DATABASE_URL...). */
export function runServer (t: Test, env: NodeJS.ProcessEnv): ServerProcess {
  const base: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', NODE_OPTIONS: '' }
  for (const name of ['DATABASE_URL', 'NODE_V8_COVERAGE', 'WEB_CONCURRENCY', 'NODE_ENV', 'DEMO_PASSWORD', 'METRICS_TOKEN', 'AUTH_TOKEN_SECRET']) delete base[name]
  const child = fork(server, [], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const exit = new Promise<{ code: number | null, stdout: string, stderr: string }>((resolve) => {
    child.once('exit', (code) => {
      const done = (): void => { resolve({ code, stdout, stderr }) }
      if (child.stdout?.readableEnded === true) done()
      else child.stdout?.once('end', done)
    })
  })
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL') })
  const waitFor = async (pattern: RegExp, ms = 120_000): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { finish(new Error(`no ${String(pattern)} within ${ms} ms: ${stdout}${stderr}`)) }, ms)
      const check = (): void => { if (pattern.test(stdout)) finish() }
      const exited = (): void => { finish(new Error(`server exited before ${String(pattern)}: ${stdout}${stderr}`)) }
      function finish (err?: Error): void {
        clearTimeout(timer)
        child.stdout?.off('data', check)
        child.off('exit', exited)
        if (err === undefined) resolve()
        else reject(err)
      }
      child.stdout?.on('data', check)
      child.once('exit', exited)
      check()
    })
  }
  return { child, output: () => stdout, waitFor, exit }
}
