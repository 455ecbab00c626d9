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
