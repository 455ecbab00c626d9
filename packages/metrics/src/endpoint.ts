import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import type { HeapSnapshots } from './heap-snapshot.js'
import { bearerCheck, PROBLEM_CONTENT_TYPE, problemBody } from './protection.js'
import type { ResolvedMetricsOptions } from './options.js'

export const HEAP_SNAPSHOT_PATH = '/debug/heap-snapshot'

/** Route config of the endpoints: never rate-limited, never shed, not recorded, no access line. */
export const ENDPOINT_ROUTE_CONFIG: Record<string, unknown> = Object.freeze({ rateLimit: false, loadShedding: false, metrics: false, accessLog: false })

export interface EndpointResponse {
  status: number
  type: string
  body: string
  headers: Record<string, string>
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>

export interface Endpoints {
  scrape: (authorization: string | undefined) => Promise<EndpointResponse | undefined>
  snapshot: ((authorization: string | undefined, url: string, requestId: string, log: FastifyBaseLogger) => Promise<EndpointResponse>) | undefined
  unauthorized: (url: string, requestId: string) => EndpointResponse
}

/** The endpoints' logic, shared by the app's routes and the separate listener. */
export function buildEndpoints (options: ResolvedMetricsOptions, registry: Registry, snapshots: HeapSnapshots | undefined): Endpoints {
  const authorized = bearerCheck(options.token)
  const unauthorizedHeaders = Object.freeze({ 'www-authenticate': 'Bearer realm="metrics"' })
  function unauthorized (url: string, requestId: string): EndpointResponse {
    return { status: 401, type: PROBLEM_CONTENT_TYPE, body: problemBody(401, 'UNAUTHORIZED', 'A valid bearer token is required.', url, requestId), headers: unauthorizedHeaders }
  }
  return {
    unauthorized,
    // undefined: not authorized; the caller answers `unauthorized()` with its own request id.
    async scrape (authorization) {
      if (!authorized(authorization)) return undefined
      return { status: 200, type: registry.contentType, body: await registry.metrics(), headers: NO_HEADERS }
    },
    snapshot: snapshots === undefined
      ? undefined
      : async function snapshot (authorization, url, requestId, log) {
        if (!authorized(authorization)) return unauthorized(url, requestId)
        const result = await snapshots.take()
        if (result.status === 201) {
          log.warn({ file: result.file }, 'heap snapshot written')
          return { status: 201, type: 'application/json; charset=utf-8', body: JSON.stringify({ file: result.file }), headers: NO_HEADERS }
        }
        if (result.status === 409) {
          return { status: 409, type: PROBLEM_CONTENT_TYPE, body: problemBody(409, 'HEAP_SNAPSHOT_IN_PROGRESS', 'A heap snapshot is being written; try again when it is done.', url, requestId), headers: NO_HEADERS }
        }
        log.error({ err: result.error }, 'heap snapshot failed')
        return { status: 500, type: PROBLEM_CONTENT_TYPE, body: problemBody(500, 'HEAP_SNAPSHOT_FAILED', 'The heap snapshot could not be written.', url, requestId), headers: NO_HEADERS }
      }
  }
}

/** `GET <path>` (and, when enabled, `POST /debug/heap-snapshot`) as routes of the app. */
export function addRoutes (fastify: FastifyInstance, path: string, endpoints: Endpoints): void {
  fastify.get(path, { config: { ...ENDPOINT_ROUTE_CONFIG } }, async function scrapeRoute (request, reply) {
    const response = await endpoints.scrape(request.headers.authorization) ?? endpoints.unauthorized(request.url, String(request.id))
    return reply.code(response.status).headers(response.headers).type(response.type).send(response.body)
  })
  const snapshot = endpoints.snapshot
  if (snapshot !== undefined) {
    fastify.post(HEAP_SNAPSHOT_PATH, { config: { ...ENDPOINT_ROUTE_CONFIG } }, async function heapSnapshotRoute (request, reply) {
      const response = await snapshot(request.headers.authorization, request.url, String(request.id), request.log)
      return reply.code(response.status).headers(response.headers).type(response.type).send(response.body)
    })
  }
}

function send (res: ServerResponse, response: EndpointResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-type': response.type })
  res.end(response.body)
}

/** A bare node:http listener that serves only the endpoints: nothing of the app is reachable on it. */
export function createEndpointServer (path: string, endpoints: Endpoints, log: FastifyBaseLogger): Server {
  async function handle (req: IncomingMessage, res: ServerResponse, url: string, requestId: string): Promise<void> {
    const q = url.indexOf('?')
    const pathname = q === -1 ? url : url.slice(0, q)
    if (pathname === path && req.method === 'GET') {
      send(res, await endpoints.scrape(req.headers.authorization) ?? endpoints.unauthorized(url, requestId))
    } else if (pathname === HEAP_SNAPSHOT_PATH && req.method === 'POST' && endpoints.snapshot !== undefined) {
      send(res, await endpoints.snapshot(req.headers.authorization, url, requestId, log))
    } else {
      send(res, { status: 404, type: PROBLEM_CONTENT_TYPE, body: problemBody(404, 'NOT_FOUND', 'This listener serves only the metrics endpoint.', url, requestId), headers: NO_HEADERS })
    }
  }
  return createServer(function metricsListener (req, res) {
    const url = req.url as string
    const requestId = randomUUID()
    handle(req, res, url, requestId).catch((err: unknown) => {
      log.error({ err, requestId }, 'metrics endpoint failed')
      send(res, { status: 500, type: PROBLEM_CONTENT_TYPE, body: problemBody(500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.', url, requestId), headers: NO_HEADERS })
    })
  })
}

export function listen (server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}
