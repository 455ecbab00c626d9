import { STATUS_CODES, ServerResponse, type IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { problems } from '@fastify-production/core'
import { buildHeaderSets } from './headers.js'
import type { HeadersOptions } from './options.js'

/** What Fastify's constructor takes as `clientErrorHandler`. */
export type ClientErrorHandler = (err: NodeJS.ErrnoException, socket: Socket) => void

/** What Fastify's constructor takes as `frameworkErrors`. */
export type FrameworkErrorHandler = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void

const FRAMEWORK_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_BAD_URL: [400, 'BAD_REQUEST', 'The URL could not be decoded.'],
  FST_ERR_MAX_PARAM_LENGTH: [414, 'URI_TOO_LONG', 'A path parameter is too long.']
}
const UNEXPECTED: [number, string, string] = [500, 'INTERNAL_SERVER_ERROR', 'An unexpected error occurred.']

function apiHeaders (options: HeadersOptions): readonly string[] {
  return buildHeaderSets({ ...options }).api
}

/**
 * A `clientErrorHandler` for the Fastify constructor: Fastify's own answers to malformed requests
 * (400), request timeouts (408) and oversized headers (431), plus the API security headers.
 */
export function clientErrorHandler (options: HeadersOptions = {}): ClientErrorHandler {
  const list = apiHeaders(options)
  let extra = ''
  for (let i = 0; i < list.length; i += 2) extra += `${list[i] as string}: ${list[i + 1] as string}\r\n`
  return function secureClientErrorHandler (err, socket) {
    // The peer is gone: nothing to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    const [status, message] = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Client Timeout']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Exceeded maximum allowed HTTP header size']
        : [400, 'Client Error']
    const phrase = STATUS_CODES[status] as string
    const body = JSON.stringify({ error: phrase, message, statusCode: status })
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${status} ${phrase}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\n${extra}Connection: close\r\n\r\n${body}`)
    }
    socket.destroy(err)
  }
}

/**
 * A `frameworkErrors` handler for the Fastify constructor: bad URLs (400), over-long path
 * parameters (414) and failing async constraints answer problem+json with the API security
 * headers. Fastify runs no hooks for these replies, so the headers are set here.
 */
export function frameworkErrorHandler (options: HeadersOptions = {}): FrameworkErrorHandler {
  const list = apiHeaders(options)
  return function secureFrameworkErrors (error, request, reply) {
    for (let i = 0; i < list.length; i += 2) reply.header(list[i] as string, list[i + 1])
    // Fixed details: Fastify's messages quote the URL back to the client.
    const [status, code, detail] = FRAMEWORK_ERRORS[error.code] ?? UNEXPECTED
    // Found on the app (errors or security made it at registration), so typeBaseUrl applies here too.
    problems(request.server).send(request, reply, { status, code, detail })
  }
}

/**
 * A `ServerResponse` class for the Fastify constructor's `http` option
 * (`Fastify({ http: { ServerResponse: serverResponse() } })`): Node's own 400 for an HTTP/1.1 request
 * without `Host` gets the API security headers. Node writes that answer itself before any listener
 * runs (neither `clientError` nor Fastify sees it), so the headers are preset on the response of such
 * a request, and only of such a request: others pay one check. With `requireHostHeader: false`, those
 * requests reach your routes with the API headers preset; a header the route sets still wins.
 */
export function serverResponse (options: HeadersOptions = {}): typeof ServerResponse {
  const list = apiHeaders(options)
  return class SecureServerResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
    // Node passes a second argument ({ highWaterMark, rejectNonStandardBodyWrites }) that the types omit.
    constructor (req: Request, ...rest: unknown[]) {
      super(...([req, ...rest] as [Request]))
      // Node's condition for that 400 (lib/_http_server.js, parserOnIncoming).
      if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
        for (let i = 0; i < list.length; i += 2) this.setHeader(list[i] as string, list[i + 1] as string)
      }
    }
  }
}
