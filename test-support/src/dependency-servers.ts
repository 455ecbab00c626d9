import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { freePort } from './free-port.js'
import { postgresBinDir } from './postgres.js'

/** A PostgreSQL whose process the test drives: started late, frozen (SIGSTOP) and thawed, on a port known in advance. */
export interface ControlledPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres, valid before start(). */
  url: string
  start: () => Promise<void>
  /** SIGSTOP to the postmaster and every backend: connections stay open, nothing answers. */
  freeze: () => void
  /** SIGCONT to all of them. */
  thaw: () => void
  stop: () => Promise<void>
}

function childrenOf (pid: number): number[] {
  const kids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) kids.push(Number(entry))
    } catch { /* gone meanwhile */ }
  }
  return kids
}

/** initdb now, start later: the port is reserved in the URL, nothing listens on it until start(). */
export async function preparePostgres (): Promise<ControlledPostgres> {
  const bin = postgresBinDir()
  if (bin === undefined) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (the CI script does this)')
  const dir = mkdtempSync(join(tmpdir(), 'fp-pgc-'))
  let uid: number | undefined
  let gid: number | undefined
  if (userInfo().uid === 0) {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { uid, gid, stdio: 'ignore' })
  const port = await freePort()
  let child: ChildProcess | undefined
  // Backends call setsid(), so no process group holds them all: signal the postmaster (first, so it
  // forks no more), then each child it has.
  const group = (signal: NodeJS.Signals): void => {
    const pid = child?.pid
    if (pid === undefined || child?.exitCode !== null) return
    process.kill(pid, signal)
    for (const kid of childrenOf(pid)) {
      try { process.kill(kid, signal) } catch { /* exited meanwhile */ }
    }
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start () {
      const proc = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'full_page_writes=off'],
        { uid, gid, stdio: ['ignore', 'ignore', 'pipe'] })
      child = proc
      let stderr = ''
      await new Promise<void>((resolve, reject) => {
        proc.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString()
          if (stderr.includes('ready to accept connections')) resolve()
        })
        proc.once('exit', (code) => { reject(new Error(`postgres exited with ${String(code)} before it was ready: ${stderr}`)) })
      })
    },
    freeze: () => { group('SIGSTOP') },
    thaw: () => { group('SIGCONT') },
    async stop () {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        group('SIGCONT')
        child.kill('SIGINT')
        await once(child, 'exit')
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A redis-server on a given port (no persistence): to bring one back where a killed one was. */
export async function startRedisOn (port: number): Promise<{ kill: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fp-redis-again-'))
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no'],
    { stdio: ['ignore', 'pipe', 'ignore'] })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => { reject(new Error(`redis-server exited with ${String(code)}: ${output}`)) })
  })
  return {
    async kill () {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await once(child, 'exit')
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
