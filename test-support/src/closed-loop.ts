import { fork } from 'node:child_process'
import { once } from 'node:events'

const CLIENT = new URL('../fixtures/closed-loop-client.mjs', import.meta.url)

/** What a closed-loop client got: statuses by path, connection errors, and the headers of 503s. */
export interface ClosedLoopReport {
  statuses: Record<string, Record<string, number>>
  errors: number
  retryAfter: string[]
  contentTypes: string[]
}

export interface ClosedLoop {
  /** Lets every connection finish its request, then resolves with what the client got. */
  stop: () => Promise<ClosedLoopReport>
  kill: () => void
}

/**
 * Load from another process, as real clients are: `connections` keep-alive connections to 127.0.0.1,
 * connection i on `paths[i % paths.length]`, each sending its next GET as soon as the previous
 * answer ends. Resolves once every connection has sent its first request.
 */
export async function startClosedLoop (port: number, paths: string[], connections: number): Promise<ClosedLoop> {
  const child = fork(CLIENT, [String(port), paths.join(','), String(connections)], { stdio: 'inherit' })
  await once(child, 'message')
  return {
    async stop () {
      const report = once(child, 'message')
      const exited = once(child, 'exit')
      child.send('stop')
      const [message] = await report
      await exited
      return message as ClosedLoopReport
    },
    kill () { child.kill() }
  }
}
