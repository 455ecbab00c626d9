import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { problems } from '@fastify-production/core'
import { resolveOptions, type ErrorsOptions } from './options.js'
import { installHandlers } from './app-handlers.js'

const errorsPlugin: FastifyPluginAsync<ErrorsOptions> = async function errors (fastify, options) {
  const resolved = resolveOptions(options)
  // One writer per app: the base set here applies to every problem of the suite, not only to ours.
  const writer = problems(fastify)
  if (resolved.typeBaseUrl !== undefined) writer.typeBaseUrl = resolved.typeBaseUrl
  installHandlers(fastify, resolved, writer)
}

/** Central error and 404 handlers answering RFC 9457 `application/problem+json`. */
export const errors = fp(errorsPlugin, { fastify: '5.x', name: '@fastify-production/errors' })
export default errors

export type { ErrorsOptions } from './options.js'
export {
  AppError,
  isAppError,
  createError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  TooManyRequestsError,
  ServiceUnavailableError,
  type AppErrorOptions,
  type CatalogError,
  type CatalogErrorClass
} from './app-error.js'
export { ProblemDetails, ValidationIssue, PROBLEM_CONTENT_TYPE } from '@fastify-production/core'
export { codes } from './errors.js'
