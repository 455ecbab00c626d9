import { STATUS_CODES } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'

/** One schema validation failure: where, and which rule. Never the submitted value. */
export const ValidationIssue = Type.Object({
  path: Type.String({ description: 'JSON Pointer into the request part, e.g. /body/quantity' }),
  message: Type.String()
})

/**
 * RFC 9457 problem details as this suite sends them. Use it in route `response` maps:
 * `response: { 404: ProblemDetails }`.
 */
export const ProblemDetails = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer({ minimum: 400, maximum: 599 }),
  detail: Type.String(),
  instance: Type.String(),
  code: Type.String(),
  requestId: Type.String(),
  errors: Type.Optional(Type.Array(ValidationIssue)),
  details: Type.Optional(Type.Unknown()),
  stack: Type.Optional(Type.String())
}, { $id: 'ProblemDetails' })

export type ProblemDetails = Static<typeof ProblemDetails>
export type ValidationIssue = Static<typeof ValidationIssue>

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/** What a package says about a problem; the writer adds type, title, instance and requestId. */
export interface Problem {
  status: number
  code: string
  detail: string
  errors?: ValidationIssue[] | undefined
  details?: unknown
  stack?: string | undefined
}

const kProblems = Symbol.for('fastify-production.problems')

/** The path of a URL, without its query: what `instance` says, so no query value is echoed. */
export function pathOf (url: string): string {
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

/**
 * The one writer of the suite's problem+json bodies for an app, so every package's 4xx/5xx carries
 * the same shape and the same `type` base (`errors: { typeBaseUrl }` sets it for all of them).
 */
export class ProblemWriter {
  /** `type` is `${typeBaseUrl}${code}` when set, else `about:blank`. */
  typeBaseUrl: string | undefined

  /** The body for a request; only its `url` and `id` are read, so a listener without Fastify can pass its own. */
  body (request: Pick<FastifyRequest, 'url' | 'id'>, problem: Problem): ProblemDetails {
    const body: ProblemDetails = {
      type: this.typeBaseUrl === undefined ? 'about:blank' : `${this.typeBaseUrl}${problem.code}`,
      title: STATUS_CODES[problem.status] ?? 'Error',
      status: problem.status,
      detail: problem.detail,
      instance: pathOf(request.url),
      code: problem.code,
      requestId: String(request.id)
    }
    if (problem.errors !== undefined) body.errors = problem.errors
    if (problem.details !== undefined) body.details = problem.details
    if (problem.stack !== undefined) body.stack = problem.stack
    return body
  }

  /** Sends the problem (status, content type, optional headers); never throws for a bad header value. */
  send (request: FastifyRequest, reply: FastifyReply, problem: Problem, headers?: Readonly<Record<string, string>>): FastifyReply {
    if (headers !== undefined) {
      for (const name of Object.keys(headers)) reply.header(name, headers[name])
    }
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(this.body(request, problem)))
  }
}

/** The app's problem writer (one per app context, shared by every package of the suite). */
export function problems (fastify: FastifyInstance): ProblemWriter {
  const existing = (fastify as unknown as Record<symbol, ProblemWriter | undefined>)[kProblems]
  if (existing !== undefined) return existing
  const made = new ProblemWriter()
  fastify.decorate(kProblems as unknown as string, made)
  return made
}
