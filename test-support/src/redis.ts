import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  host: '127.0.0.1'
  port: number
  url: string
  /** The server process (e.g. to SIGKILL it mid-test through `kill()`). */
  process: ChildProcess
  /** SIGKILL: the server dies at once, like a crash. Resolves when the process has exited. */
  kill (): Promise<void>
  /** SIGTERM, wait for the exit, remove the temp dir. Idempotent. */
  stop (): Promise<void>
}

const BINARY = 'redis-server'

/**
 * Why Redis tests cannot run here, or undefined when redis-server is on PATH. With CI=true an
 * absent binary is a broken CI image, not a reason to skip: it throws.
 */
export function redisSkipReason (): string | undefined {
  const probe = spawnSync(BINARY, ['--version'], { encoding: 'utf8' })
  if (probe.error === undefined && probe.status === 0) return undefined
  if (process.env.CI === 'true') {
    throw new Error(`${BINARY} is not on PATH (CI=true): install it (apt-get install -y redis-server) so the Redis tests run`)
  }
  return `${BINARY} is not installed; install it (apt-get install -y redis-server) to run the Redis tests`
}

async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

async function ping (port: number): Promise<void> {
  const socket = connect(port, '127.0.0.1')
  try {
    await once(socket, 'connect')
    socket.write('PING\r\n')
    const [data] = await once(socket, 'data') as [Buffer]
    if (!data.toString().startsWith('+PONG')) throw new Error(`redis-server answered PING with ${JSON.stringify(data.toString())}`)
  } finally {
    socket.destroy()
  }
}

async function startOnce (port: number, dir: string): Promise<ChildProcess | undefined> {
  const child = spawn(BINARY, [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--protected-mode', 'no', '--loglevel', 'notice'
  ], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const ready = new Promise<boolean>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) resolve(true)
    })
    child.once('exit', () => { resolve(false) })
  })
  if (await ready) return child
  // Exited before it was ready: most often the port was taken between freePort() and the bind.
  if (!output.includes('Address already in use')) throw new Error(`redis-server did not start:\n${output}`)
  return undefined
}

/** Starts redis-server on 127.0.0.1 and a free port, no persistence, in a temp dir; resolves once it answers PING. */
export async function startRedisServer (): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fp-redis-'))
  let child: ChildProcess | undefined
  let port = 0
  for (let attempt = 0; attempt < 5 && child === undefined; attempt++) {
    port = await freePort()
    child = await startOnce(port, dir)
  }
  if (child === undefined) throw new Error('redis-server could not bind a free port after 5 attempts')
  await ping(port)
  const proc = child
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve()
    else proc.once('exit', () => { resolve() })
  })
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
    await exited
  }
  return {
    host: '127.0.0.1',
    port,
    url: `redis://127.0.0.1:${port}`,
    process: proc,
    kill: async () => { await end('SIGKILL') },
    stop: async () => {
      await end('SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
