import { randomUUID } from 'node:crypto'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import { pathOf, PROBLEM_CONTENT_TYPE, type Problem, type ProblemWriter } from '@fastify-production/core'
import { PROBE_NAMES, type Probe, type Probes } from './probes.js'

const JSON_TYPE = 'application/json; charset=utf-8'
const NOT_FOUND: Problem = Object.freeze({ status: 404, code: 'NOT_FOUND', detail: 'This listener serves only the health probes.' })
const FAILED: Problem = Object.freeze({ status: 500, code: 'INTERNAL_SERVER_ERROR', detail: 'An unexpected error occurred.' })

function send (res: ServerResponse, statusCode: number, type: string, body: string): void {
  // content-length set here, not left to Node: a HEAD answer carries the length its GET would send, as Fastify's does.
  res.writeHead(statusCode, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
  res.end(body)
}

/**
 * A bare node:http listener that serves only the probes (GET and HEAD), with the same status codes
 * and bodies as the app's routes; nothing of the app is reachable on it, and none of its hooks run.
 * Its own listening socket has its own accept queue: under a flood of connections to the app's port
 * (libuv accepts one connection per listener per turn of the loop) a probe still gets in.
 */
export function createProbeServer (prefix: string, probes: Probes, writer: ProblemWriter, log: FastifyBaseLogger): Server {
  const routes = new Map<string, Probe>(PROBE_NAMES.map((name) => [`${prefix}/${name}`, probes[name]]))

  function problem (res: ServerResponse, details: Problem, url: string, requestId: string): void {
    // The app's one writer, so `errors: { typeBaseUrl }` applies here too.
    send(res, details.status, PROBLEM_CONTENT_TYPE, JSON.stringify(writer.body({ url, id: requestId }, details)))
  }

  return createServer(function healthProbeListener (req, res) {
    const url = req.url as string
    const probe = req.method === 'GET' || req.method === 'HEAD' ? routes.get(pathOf(url)) : undefined
    if (probe === undefined) {
      problem(res, NOT_FOUND, url, randomUUID())
      return
    }
    Promise.resolve(probe(req.headers.authorization)).then(({ statusCode, body }) => {
      send(res, statusCode, JSON_TYPE, JSON.stringify(body))
    }, (err: unknown) => {
      const requestId = randomUUID()
      log.error({ err, requestId }, 'health probe failed')
      problem(res, FAILED, url, requestId)
    })
  })
}
