import { once } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse) => void

/** An HTTP server on loopback whose behaviour a test sets: answer, hang, 503, reset. */
export interface Upstream {
  url: string
  /** Requests received so far (each attempt of a call is one). */
  readonly hits: number
  /** What the next requests get; `hang` never answers, `reset` destroys the socket. */
  handle: UpstreamHandler
  /** Resolves when the server has received `count` requests in all. */
  received: (count: number) => Promise<void>
  close: () => Promise<void>
}

export const upstreamAnswers = {
  json: (status: number, body: unknown, headers: Record<string, string> = {}): UpstreamHandler => (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body))
  },
  hang: (): UpstreamHandler => () => {},
  reset: (): UpstreamHandler => (req) => { req.socket.destroy() }
}

/** Starts an HTTP server on 127.0.0.1 and a free port; close() ends held and idle connections too. */
export async function startUpstream (handle: UpstreamHandler = upstreamAnswers.json(200, { ok: true })): Promise<Upstream> {
  let hits = 0
  const waiters: Array<{ count: number, resolve: () => void }> = []
  const upstream: Upstream = {
    url: '',
    get hits () { return hits },
    handle,
    received (count) {
      if (hits >= count) return Promise.resolve()
      return new Promise((resolve) => { waiters.push({ count, resolve }) })
    },
    async close () {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    }
  }
  const server = createServer((req, res) => {
    hits++
    for (const w of waiters.filter((w) => hits >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
    upstream.handle(req, res)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return upstream
}
