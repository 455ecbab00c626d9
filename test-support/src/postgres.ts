import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { freePort } from './free-port.js'

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string
  stop: () => Promise<void>
}

/** The bin folder of the newest PostgreSQL installed from Debian's packages, if any. */
export function postgresBinDir (): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

/**
 * An empty cluster made by initdb once per PostgreSQL version and user, in the temp folder; test
 * files running at the same time may both make one: the first rename wins, the other is removed.
 */
function templateCluster (bin: string, uid: number | undefined, gid: number | undefined): string {
  const template = join(tmpdir(), `fp-pg-template-${bin.split('/').at(-2) ?? 'pg'}-${uid ?? userInfo().uid}`)
  if (existsSync(join(template, 'PG_VERSION'))) return template
  const scratch = mkdtempSync(join(tmpdir(), 'fp-pg-initdb-'))
  if (uid !== undefined && gid !== undefined) chownSync(scratch, uid, gid)
  const made = join(scratch, 'data')
  execFileSync(join(bin, 'initdb'), ['-D', made, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { uid, gid, stdio: 'ignore' })
  try {
    renameSync(made, template)
  } catch {
    // Another test file made it first: theirs is the same empty cluster.
  }
  rmSync(scratch, { recursive: true, force: true })
  return template
}

/**
 * Starts a throw-away PostgreSQL on 127.0.0.1 and a free port, with its data in a temp folder.
 * PostgreSQL refuses to run as root, so as root it runs as the `postgres` user the package creates.
 */
export async function startPostgres (): Promise<PostgresServer> {
  const bin = postgresBinDir()
  if (bin === undefined) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (the CI script does this)')
  const dir = mkdtempSync(join(tmpdir(), 'fp-pg-'))
  const asRoot = userInfo().uid === 0
  let uid: number | undefined
  let gid: number | undefined
  if (asRoot) {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  // initdb takes seconds of CPU; a copy of a cluster made once per machine takes a fraction of that.
  execFileSync('cp', ['-a', templateCluster(bin, uid, gid), data])
  const port = await freePort()
  const child: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'full_page_writes=off'], { uid, gid, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (): void => { if (stderr.includes('ready to accept connections')) { child.stderr?.off('data', onData); resolve() } }
    child.stderr?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`postgres exited with ${String(code)} before it was ready: ${stderr}`)))
  })
  await ready
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop () {
      if (child.exitCode === null) {
        child.kill('SIGINT') // "fast shutdown": ends sessions, no waiting for clients
        await once(child, 'exit')
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
