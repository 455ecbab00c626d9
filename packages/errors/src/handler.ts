import { STATUS_CODES } from 'node:http'
import { inspect } from 'node:util'
import type { FastifyReply, FastifyRequest, FastifyBaseLogger } from 'fastify'
import type { Problem, ProblemWriter, ValidationIssue } from '@fastify-production/core'
import { codeForStatus, isAppError } from './app-error.js'
import type { ResolvedErrorsOptions } from './options.js'
import { guard, lastResort } from './last-resort.js'
import { read } from './read.js'

const CODE_PATTERN = /^[A-Z][A-Z0-9_]*$/
const MAX_VALIDATION_ISSUES = 20
// The suite's own coded errors (an outage of @fastify-production/dependencies: 503) bring their
// `retry-after`; a foreign error's headers (an HTTP client's upstream response) never pass.
const SUITE_CODE = 'FP_ERR_'

interface Classified {
  status: number
  code: string
  /** undefined: the client gets the generic detail */
  detail: string | undefined
  headers?: Readonly<Record<string, string>> | undefined
  errors?: ValidationIssue[]
  details?: unknown
}

const INTERNAL: Classified = { status: 500, code: 'INTERNAL_SERVER_ERROR', detail: undefined }

function asStatus (value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value <= 599 ? value : undefined
}

function asString (value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

function suiteHeaders (thrown: unknown): Record<string, string> | undefined {
  const retryAfter = read(read(thrown, 'headers'), 'retry-after')
  return typeof retryAfter === 'string' && /^\d{1,9}$/.test(retryAfter) ? { 'retry-after': retryAfter } : undefined
}

function validationIssues (validation: unknown[], context: unknown): ValidationIssue[] {
  const prefix = typeof context === 'string' ? `/${context}` : ''
  const issues: ValidationIssue[] = []
  for (const item of validation.slice(0, MAX_VALIDATION_ISSUES)) {
    const params = read(item, 'params')
    // Only names from the schema go into the path, never anything from the submitted value.
    const extra = asString(read(params, 'missingProperty')) ?? asString(read(params, 'additionalProperty'))
    const instancePath = asString(read(item, 'instancePath')) ?? ''
    issues.push({
      path: `${prefix}${instancePath}${extra === undefined ? '' : `/${extra}`}` || '/',
      message: asString(read(item, 'message')) ?? 'is invalid'
    })
  }
  return issues
}

export function classify (thrown: unknown): Classified {
  if (isAppError(thrown)) {
    const expose = read(thrown, 'expose') === true
    return {
      status: asStatus(read(thrown, 'status')) ?? 500,
      code: asString(read(thrown, 'code')) ?? 'INTERNAL_SERVER_ERROR',
      detail: expose ? asString(read(thrown, 'message')) : undefined,
      headers: read(thrown, 'headers') as Classified['headers'],
      details: expose ? read(thrown, 'details') : undefined
    }
  }
  const code = asString(read(thrown, 'code'))
  const status = asStatus(read(thrown, 'statusCode')) ?? asStatus(read(thrown, 'status'))
  const validation = read(thrown, 'validation')
  if (code === 'FST_ERR_VALIDATION' && Array.isArray(validation)) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'The request did not match the schema.',
      errors: validationIssues(validation, read(thrown, 'validationContext'))
    }
  }
  if (status === undefined) return INTERNAL
  if (code?.startsWith('FST_') === true && (status < 500 || status === 503)) {
    return { status, code: codeForStatus(status), detail: asString(read(thrown, 'message')) }
  }
  const expose = read(thrown, 'expose')
  if (expose === true) {
    return {
      status,
      code: code !== undefined && CODE_PATTERN.test(code) ? code : codeForStatus(status),
      detail: asString(read(thrown, 'message')),
      headers: code?.startsWith(SUITE_CODE) === true ? suiteHeaders(thrown) : undefined
    }
  }
  // http-errors (@fastify/sensible, Koa-style libraries): `expose: false` marks a deliberate status
  // whose message is not for clients, e.g. httpErrors.serviceUnavailable().
  if (expose === false) return { status, code: codeForStatus(status), detail: undefined }
  // @fastify/rate-limit throws a bare Error with statusCode 429 after setting its own headers.
  if (status === 429) return { status, code: 'TOO_MANY_REQUESTS', detail: undefined }
  return INTERNAL
}

function describe (thrown: unknown): string {
  try {
    return inspect(thrown, { depth: 2, breakLength: Infinity })
  } catch {
    return `[uninspectable ${typeof thrown}]`
  }
}

class NonErrorThrown extends Error {
  override name = 'NonErrorThrown'
}

function isError (value: unknown): value is Error {
  try {
    return value instanceof Error
  } catch {
    return false
  }
}

// What goes to the log: the real Error when there is one, else a stand-in that describes the value.
function loggable (thrown: unknown): unknown {
  return isError(thrown) ? thrown : new NonErrorThrown(`Non-error value thrown: ${describe(thrown)}`)
}

export function logError (log: FastifyBaseLogger, thrown: unknown, status: number, msg = status >= 500 ? 'request failed' : 'request rejected'): void {
  const level = status >= 500 ? 'error' : 'info'
  try {
    log[level]({ err: loggable(thrown), statusCode: status }, msg)
  } catch {
    // A serializer choked on the value (throwing getter, exotic object): still leave a trace.
    log[level]({ err: { type: 'Unserializable', message: describe(thrown) }, statusCode: status }, msg)
  }
}

function detailOf (options: ResolvedErrorsOptions, c: Classified): string {
  return c.detail ?? (c.status >= 500 ? options.genericDetail : STATUS_CODES[c.status] ?? 'Error')
}

export function errorHandler (options: ResolvedErrorsOptions, writer: ProblemWriter) {
  const answerWithoutHooks = lastResort(writer, { status: 500, code: INTERNAL.code, detail: options.genericDetail }, (failure, request) => {
    logError(request.log, failure, 500, 'error response failed; sent the generic 500 without onSend hooks')
  })
  return function problemErrorHandler (thrown: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const c = classify(thrown)
    logError(request.log, thrown, c.status)
    guard(reply, answerWithoutHooks)
    return writer.send(request, reply, {
      status: c.status,
      code: c.code,
      detail: detailOf(options, c),
      errors: c.errors,
      details: c.details,
      stack: options.exposeStack && c.status >= 500 ? asString(read(thrown, 'stack')) : undefined
    }, c.headers)
  }
}

export function notFoundHandler (writer: ProblemWriter) {
  const problem: Problem = { status: 404, code: 'NOT_FOUND', detail: 'No route matches this method and path.' }
  return function problemNotFoundHandler (request: FastifyRequest, reply: FastifyReply): FastifyReply {
    request.log.info({ statusCode: 404 }, 'route not found')
    return writer.send(request, reply, problem)
  }
}
