import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { resolveOptions, type ErrorsOptions } from './options.js'
import { errorHandler, notFoundHandler } from './handler.js'

const errorsPlugin: FastifyPluginAsync<ErrorsOptions> = async function errors (fastify, options) {
  const resolved = resolveOptions(options)
  fastify.setErrorHandler(errorHandler(resolved))
  if (resolved.notFound) fastify.setNotFoundHandler(notFoundHandler(resolved))
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
export { ProblemDetails, ValidationIssue, PROBLEM_CONTENT_TYPE } from './problem.js'
export { codes } from './errors.js'
