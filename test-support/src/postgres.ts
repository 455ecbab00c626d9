import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
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
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { uid, gid, stdio: 'ignore' })
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
