import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify'
import type { Registry } from 'prom-client'
import { bearerCheck, operationalRouteConfig, PROBLEM_CONTENT_TYPE, type Problem, type ProblemWriter } from '@fastify-production/core'
import type { HeapSnapshots } from './heap-snapshot.js'
import type { ResolvedMetricsOptions } from './options.js'

export const HEAP_SNAPSHOT_PATH = '/debug/heap-snapshot'

export interface EndpointResponse {
  status: number
  type: string
  body: string
  headers: Readonly<Record<string, string>>
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({})
const UNAUTHORIZED: Problem = Object.freeze({ status: 401, code: 'UNAUTHORIZED', detail: 'A valid bearer token is required.' })
const UNAUTHORIZED_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'www-authenticate': 'Bearer realm="metrics"' })

export interface Endpoints {
  authorized: (authorization: string | undefined) => boolean
  scrape: () => Promise<EndpointResponse>
  snapshot: ((url: string, requestId: string, log: FastifyBaseLogger) => Promise<EndpointResponse>) | undefined
  /** A problem as a response of the separate listener, which has no Fastify request or reply. */
  problem: (problem: Problem, url: string, requestId: string, headers?: Readonly<Record<string, string>>) => EndpointResponse
}

/** The endpoints' logic, shared by the app's routes and the separate listener. */
export function buildEndpoints (options: ResolvedMetricsOptions, registry: Registry, snapshots: HeapSnapshots | undefined, writer: ProblemWriter, render: () => Promise<string>): Endpoints {
  function problem (details: Problem, url: string, requestId: string, headers = NO_HEADERS): EndpointResponse {
    // The app's one writer, so `errors: { typeBaseUrl }` applies here too.
    const body = JSON.stringify(writer.body({ url, id: requestId }, details))
    return { status: details.status, type: PROBLEM_CONTENT_TYPE, body, headers }
  }
  return {
    authorized: bearerCheck(options.token),
    problem,
    async scrape () {
      return { status: 200, type: registry.contentType, body: await render(), headers: NO_HEADERS }
    },
    snapshot: snapshots === undefined
      ? undefined
      : async function snapshot (url, requestId, log) {
        const result = await snapshots.take()
        if (result.status === 201) {
          log.warn({ file: result.file }, 'heap snapshot written')
          return { status: 201, type: 'application/json; charset=utf-8', body: JSON.stringify({ file: result.file }), headers: NO_HEADERS }
        }
        if (result.status === 409) {
          return problem({ status: 409, code: 'HEAP_SNAPSHOT_IN_PROGRESS', detail: 'A heap snapshot is being written; try again when it is done.' }, url, requestId)
        }
        log.error({ err: result.error }, 'heap snapshot failed')
        return problem({ status: 500, code: 'HEAP_SNAPSHOT_FAILED', detail: 'The heap snapshot could not be written.' }, url, requestId)
      }
  }
}

function reply (response: EndpointResponse, res: FastifyReply): FastifyReply {
  return res.code(response.status).headers(response.headers).type(response.type).send(response.body)
}

/** `GET <path>` (and, when enabled, `POST /debug/heap-snapshot`) as routes of the app. */
export function addRoutes (fastify: FastifyInstance, path: string, endpoints: Endpoints, writer: ProblemWriter): void {
  fastify.get(path, { config: operationalRouteConfig(false) }, async function scrapeRoute (request, res) {
    if (!endpoints.authorized(request.headers.authorization)) return writer.send(request, res, UNAUTHORIZED, UNAUTHORIZED_HEADERS)
    return reply(await endpoints.scrape(), res)
  })
  const snapshot = endpoints.snapshot
  if (snapshot !== undefined) {
    fastify.post(HEAP_SNAPSHOT_PATH, { config: operationalRouteConfig(false) }, async function heapSnapshotRoute (request, res) {
      if (!endpoints.authorized(request.headers.authorization)) return writer.send(request, res, UNAUTHORIZED, UNAUTHORIZED_HEADERS)
      return reply(await snapshot(request.url, String(request.id), request.log), res)
    })
  }
}

function send (res: ServerResponse, response: EndpointResponse): void {
  res.writeHead(response.status, { ...response.headers, 'content-type': response.type })
  res.end(response.body)
}

/** A bare node:http listener that serves only the endpoints: nothing of the app is reachable on it. */
export function createEndpointServer (path: string, endpoints: Endpoints, log: FastifyBaseLogger): Server {
  async function handle (req: IncomingMessage, url: string, requestId: string): Promise<EndpointResponse> {
    const q = url.indexOf('?')
    const pathname = q === -1 ? url : url.slice(0, q)
    const scrape = pathname === path && req.method === 'GET'
    const snapshot = pathname === HEAP_SNAPSHOT_PATH && req.method === 'POST' ? endpoints.snapshot : undefined
    if (!scrape && snapshot === undefined) {
      return endpoints.problem({ status: 404, code: 'NOT_FOUND', detail: 'This listener serves only the metrics endpoint.' }, url, requestId)
    }
    if (!endpoints.authorized(req.headers.authorization)) return endpoints.problem(UNAUTHORIZED, url, requestId, UNAUTHORIZED_HEADERS)
    return snapshot === undefined ? await endpoints.scrape() : await snapshot(url, requestId, log)
  }
  return createServer(function metricsListener (req, res) {
    const url = req.url as string
    const requestId = randomUUID()
    handle(req, url, requestId).then((response) => { send(res, response) }, (err: unknown) => {
      log.error({ err, requestId }, 'metrics endpoint failed')
      send(res, endpoints.problem({ status: 500, code: 'INTERNAL_SERVER_ERROR', detail: 'An unexpected error occurred.' }, url, requestId))
    })
  })
}
