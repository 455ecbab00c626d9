import { STATUS_CODES } from 'node:http'
import type { FastifyReply, FastifyRequest } from 'fastify'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** Answers the suite's RFC 9457 body (same shape as @fastify-production/errors) without throwing. */
export function sendProblem (request: FastifyRequest, reply: FastifyReply, status: number, code: string, detail: string): void {
  const url = request.url
  const query = url.indexOf('?')
  reply.code(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify({
    type: 'about:blank',
    title: STATUS_CODES[status],
    status,
    detail,
    instance: query === -1 ? url : url.slice(0, query),
    code,
    requestId: String(request.id)
  }))
}
