import type { ServerResponse } from 'node:http'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'

export interface InFlightRoute {
  method: string
  route: string
  count: number
}

// One link per request, on its raw response: an intrusive list instead of a Map keyed by responses,
// whose delete at 'close' hashed a response object gone cold by then (the suite's profile: ~1 µs/req).
const kLink = Symbol('fastify-production.shutdown.link')

interface Link {
  readonly res: TrackedResponse
  readonly request: FastifyRequest
  prev: Link | null
  next: Link | null
}

type TrackedResponse = ServerResponse & { [kLink]?: Link | null }

/**
 * Requests between onRequest and their response's 'close' event. 'close' rather than onResponse:
 * it fires exactly once, also when the client went away and onResponse never runs, so nothing leaks.
 */
export class InFlight {
  // Oldest first: the forensics line lists routes in the order their requests arrived.
  #head: Link | null = null
  #tail: Link | null = null
  #size = 0
  #draining = false
  #closing = false
  readonly onRequest: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

  constructor () {
    const self = this
    function untrack (this: TrackedResponse): void {
      const link = this[kLink] as Link
      this[kLink] = null
      if (link.prev === null) self.#head = link.next
      else link.prev.next = link.next
      if (link.next === null) self.#tail = link.prev
      else link.next.prev = link.prev
      self.#size--
      if (self.#closing) release(this)
    }
    this.onRequest = function trackInFlight (request, reply, done) {
      const res = reply.raw as TrackedResponse
      const tail = self.#tail
      const link: Link = { res, request, prev: tail, next: null }
      if (tail === null) self.#head = link
      else tail.next = link
      self.#tail = link
      self.#size++
      res[kLink] = link
      res.on('close', untrack)
      if (self.#draining) askToClose(res)
      done()
    }
  }

  get size (): number {
    return this.#size
  }

  /** From now on every response asks the client to close its connection, in flight ones included. */
  drain (): void {
    if (this.#draining) return
    this.#draining = true
    for (let link = this.#head; link !== null; link = link.next) askToClose(link.res)
  }

  /** The server is closing: the socket of each response that ends from now on is closed. */
  close (): void {
    this.drain()
    this.#closing = true
  }

  /** Requests still in flight, grouped by method and route template (never the raw URL). */
  summary (): InFlightRoute[] {
    const byRoute = new Map<string, InFlightRoute>()
    for (let link = this.#head; link !== null; link = link.next) {
      const request = link.request
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
