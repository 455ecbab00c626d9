import { Agent, request } from 'node:http'

export interface LoadResult {
  sent: number
  ok: number
  failed: number
  failures: string[]
  pids: Set<number>
}

/**
 * `connections` clients, each sending GET requests one after another over keep-alive sockets
 * (Node's own Agent, which honours `Connection: close`) until stop() is called.
 */
export function keepAliveLoad (port: number, connections: number, path = '/pid'): { stop: () => Promise<LoadResult>, result: LoadResult, whenOk: (n: number) => Promise<void> } {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, failures: [], pids: new Set() }
  let running = true
  const waiters: Array<{ n: number, resolve: () => void }> = []
  const one = async (): Promise<void> => {
    result.sent++
    await new Promise<void>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => { body += chunk })
        res.on('end', () => {
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
            result.ok++
            for (const w of waiters.filter((w) => result.ok >= w.n)) {
              waiters.splice(waiters.indexOf(w), 1)
              w.resolve()
            }
            result.pids.add((JSON.parse(body) as { pid: number }).pid)
          } else {
            result.failed++
            result.failures.push(`status ${res.statusCode}`)
          }
          resolve()
        })
      })
      req.on('error', (err) => {
        result.failed++
        result.failures.push(err.message)
        resolve()
      })
      req.end()
    })
  }
  const loops = Array.from({ length: connections }, async () => {
    for (;;) {
      if (!running) return
      await one()
    }
  })
  return {
    result,
    whenOk: async (n) => {
      if (result.ok >= n) return
      await new Promise<void>((resolve) => { waiters.push({ n, resolve }) })
    },
    stop: async () => {
      running = false
      await Promise.all(loops)
      agent.destroy()
      return result
    }
  }
}
