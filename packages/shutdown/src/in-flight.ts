import type { ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

export interface InFlightRoute {
  method: string
  route: string
  count: number
}

/**
 * Requests between onRequest and their response's 'close' event. 'close' rather than onResponse:
 * it fires exactly once, also when the client went away and onResponse never runs, so nothing leaks.
 */
export class InFlight {
  readonly #requests = new Map<ServerResponse, FastifyRequest>()
  #draining = false
  #closing = false
  readonly onRequest: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void
  readonly #untrack: (this: ServerResponse) => void

  constructor () {
    const requests = this.#requests
    const self = this
    this.#untrack = function untrack (this: ServerResponse) {
      requests.delete(this)
      if (self.#closing) release(this)
    }
    const untrack = this.#untrack
    this.onRequest = function trackInFlight (request, reply, done) {
      const res = reply.raw as ServerResponse
      requests.set(res, request)
      res.on('close', untrack)
      if (self.#draining) askToClose(res)
      done()
    }
  }

  get size (): number {
    return this.#requests.size
  }

  /** From now on every response asks the client to close its connection, in flight ones included. */
  drain (): void {
    if (this.#draining) return
    this.#draining = true
    for (const res of this.#requests.keys()) askToClose(res)
  }

  /** The server is closing: the socket of each response that ends from now on is closed. */
  close (): void {
    this.drain()
    this.#closing = true
  }

  /** Requests still in flight, grouped by method and route template (never the raw URL). */
  summary (): InFlightRoute[] {
    const byRoute = new Map<string, InFlightRoute>()
    for (const request of this.#requests.values()) {
      const method = request.method
      const route = request.routeOptions.url ?? '(no route)'
      const key = `${method} ${route}`
      const entry = byRoute.get(key)
      if (entry === undefined) byRoute.set(key, { method, route, count: 1 })
      else entry.count++
    }
    return [...byRoute.values()]
  }
}

// A response whose headers went out before the close could not carry Connection: close: its
// socket would sit idle and hold server.close() for keepAliveTimeout. end() flushes the tail of
// the body first (closeIdleConnections() would destroy it and cut that tail).
function release (res: ServerResponse): void {
  const req = res.req
  if (req.httpVersionMajor >= 2) return
  if (req.socket.writable) req.socket.end()
}

function askToClose (res: ServerResponse): void {
  // HTTP/2 has no Connection header (setting it throws); its sessions close with the server.
  if (res.headersSent || res.req.httpVersionMajor >= 2) return
  res.setHeader('connection', 'close')
}
