import { Server as NetServer } from 'node:net'
import type { IncomingMessage, ServerResponse } from 'node:http'

function askToClose (req: IncomingMessage, res: ServerResponse): void {
  // HTTP/2 has no Connection header (setting it throws); its sessions end with the server.
  if (req.httpVersionMajor < 2 && !res.headersSent) res.setHeader('connection', 'close')
}

const draining = new WeakMap<NetServer, Promise<void>>()

/**
 * Stops accepting connections, leaves open ones alone, and answers every further request on them
 * with `Connection: close`, so keep-alive clients move to another worker at a response boundary.
 * Resolves when the last connection is gone or after `timeout` ms (idle clients that never send
 * again keep theirs open; app.close() ends those).
 */
export function drain (server: NetServer, timeout: number): Promise<void> {
  const started = draining.get(server)
  if (started !== undefined) return started
  const done = new Promise<void>((resolve) => {
    server.prependListener('request', askToClose)
    const timer = setTimeout(resolve, timeout)
    // net.Server's close, not http.Server's: the latter also closes idle keep-alive sockets at once,
    // racing clients that are sending their next request on them. In a cluster worker this removes
    // the worker from the primary's round-robin; connections already on their way are handed back.
    NetServer.prototype.close.call(server, () => {
      clearTimeout(timer)
      resolve()
    })
  })
  draining.set(server, done)
  return done
}
