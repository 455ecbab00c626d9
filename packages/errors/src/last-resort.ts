import { validateHeaderName, validateHeaderValue, type OutgoingHttpHeaders } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { PROBLEM_CONTENT_TYPE, type Problem, type ProblemWriter } from '@fastify-production/core'
import { read } from './read.js'

/**
 * What to do when the problem answer itself fails on its way out (an `onSend` hook or a serializer
 * throws again): Fastify would hand the new error to its default handler, whose fallback writes
 * `{"statusCode":500,"message":<the error's message>}` below the hooks. Here the generic 500 problem
 * is written to the socket instead, and the failure logged.
 */
export type LastResort = (failure: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply

// Headers that describe the body the failed answer would have had (compression, ranges, trailers).
const BODY_HEADER = /^(?:content-|transfer-encoding$|trailer$)/

function foreignHeaderNames (failure: unknown): string[] {
  const headers = read(failure, 'headers')
  // Fastify's default handler copied them with reply.headers(), which listed these keys already.
  return typeof headers === 'object' && headers !== null ? Object.keys(headers).map((name) => name.toLowerCase()) : []
}

/**
 * The reply's headers as they stand (the security headers an earlier `onSend` hook set included),
 * minus those describing the old body, those Fastify's default handler copied from the failure
 * (foreign errors never choose headers), and any Node would refuse.
 */
function safeHeaders (reply: FastifyReply, failure: unknown): OutgoingHttpHeaders {
  const foreign = foreignHeaderNames(failure)
  const current = reply.getHeaders()
  const headers: OutgoingHttpHeaders = {}
  for (const name of Object.keys(current)) {
    if (BODY_HEADER.test(name) || foreign.includes(name)) continue
    try {
      validateHeaderName(name)
      // Node checks arrays and numbers too (it tests their string form); undefined throws.
      validateHeaderValue(name, current[name] as string)
    } catch {
      continue
    }
    headers[name] = current[name]
  }
  return headers
}

export function lastResort (writer: ProblemWriter, problem: Problem, log: (failure: unknown, request: FastifyRequest) => void): LastResort {
  return function answerWithoutHooks (failure, request, reply) {
    log(failure, request)
    const res = reply.raw
    if (res.headersSent || res.destroyed) {
      // Part of the failed answer is already on the wire (or the client left): nothing else can follow it.
      res.destroy()
      return reply
    }
    const body = JSON.stringify(writer.body(request, problem))
    const headers = safeHeaders(reply, failure)
    for (const name of res.getHeaderNames()) res.removeHeader(name)
    headers['content-type'] = PROBLEM_CONTENT_TYPE
    headers['content-length'] = Buffer.byteLength(body)
    res.writeHead(problem.status, headers)
    res.end(body)
    return reply
  }
}

/**
 * Lets the next `reply.send` of the problem answer through, and routes any later one on this reply
 * (Fastify's default handler sending the error our answer ran into) to `fallback`. Installed on the
 * error path only, so a request that succeeds pays nothing.
 */
export function guard (reply: FastifyReply, fallback: LastResort): void {
  const send = reply.send
  let first = true
  reply.send = function guardedSend (this: FastifyReply, payload?: unknown): FastifyReply {
    // Sends after the answer went out keep Fastify's own handling (its "reply already sent" warning).
    if (first || this.sent) {
      first = false
      return send.call(this, payload)
    }
    return fallback(payload, this.request, this)
  }
}
