import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

export type Line = Record<string, unknown> & { level: string, time: string, msg: string, pid: number }

export interface ClusterProcess {
  child: ChildProcess
  /** Every JSON line the primary and its workers wrote to stdout, parsed. */
  lines: Line[]
  /** Resolves with the first line (already written or to come) that matches; rejects after `ms`. */
  waitFor: (match: (line: Line) => boolean, what: string, ms?: number) => Promise<Line>
  exit: Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>
}

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

/** Runs a fixture under plain node (inheriting the coverage environment), with cluster options as JSON. */
export function runCluster (t: Test, options: Record<string, unknown>, env: Record<string, string> = {}, file = 'server.mjs'): ClusterProcess {
  const child = spawn(process.execPath, [fixture(file)], {
    env: { ...process.env, ...env, CLUSTER_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc']
  })
  const lines: Line[] = []
  const waiters = new Set<{ match: (line: Line) => boolean, resolve: (line: Line) => void }>()
  let stdout = ''
  let stderr = ''
  let partial = ''
  child.stdout?.setEncoding('utf8')
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => { stderr += chunk })
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    for (const text of parts) {
      if (!text.startsWith('{')) continue
      const line = JSON.parse(text) as Line
      lines.push(line)
      for (const waiter of waiters) {
        if (waiter.match(line)) {
          waiters.delete(waiter)
          waiter.resolve(line)
        }
      }
    }
  })
  const exit = new Promise<{ code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }>((resolve) => {
    child.once('exit', (code, signal) => {
      // stdout may still hold the last lines: wait for the stream to end.
      if (child.stdout?.readableEnded === true) resolve({ code, signal, stdout, stderr })
      else child.stdout?.once('end', () => { resolve({ code, signal, stdout, stderr }) })
    })
  })
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exit
    }
  })
  const waitFor = async (match: (line: Line) => boolean, what: string, ms = 60_000): Promise<Line> => {
    const seen = lines.find(match)
    if (seen !== undefined) return seen
    return await new Promise<Line>((resolve, reject) => {
      const waiter = {
        match,
        resolve: (line: Line) => {
          clearTimeout(timer)
          resolve(line)
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(waiter)
        reject(new Error(`no log line "${what}" within ${ms} ms; got:\n${stdout}\n${stderr}`))
      }, ms)
      waiters.add(waiter)
    })
  }
  return { child, lines, waitFor, exit }
}

export const msg = (text: string | RegExp) => (line: Line): boolean => typeof text === 'string' ? line.msg === text : text.test(line.msg)

/** GET on a fresh connection (no keep-alive), so the primary's round-robin spreads them over the workers. */
export async function getPid (port: number, path = '/pid'): Promise<{ status: number, pid: number }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } })
  const body = await res.json() as { pid: number }
  return { status: res.status, pid: body.pid }
}
