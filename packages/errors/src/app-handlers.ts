import type { FastifyInstance } from 'fastify'
import type { ProblemWriter } from '@fastify-production/core'
import { codes } from './errors.js'
import { errorHandler, notFoundHandler } from './handler.js'
import type { ResolvedErrorsOptions } from './options.js'

/**
 * Whether `handler` is Fastify's own error handler: the unbound `defaultErrorHandler` of
 * lib/error-handler.js. Whatever an app passes to setErrorHandler is bound to its instance, so it is
 * named `bound <name>` (test/app-error-handler.test.ts pins this against the installed Fastify).
 */
export function isFastifyDefaultErrorHandler (handler: { name: string }): boolean {
  return handler.name === 'defaultErrorHandler'
}

function nameOf (handler: { name: string }): string {
  return handler.name.replace(/^bound /, '') || 'anonymous'
}

// Fastify's words when a context's not-found handler is already set (lib/four-oh-four.js).
function isAlreadySet (err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('Not found handler already set')
}

/** What the app kept for itself, said in one line at ready. */
interface Kept {
  errorHandler: string | undefined
  notFound: boolean
}

/**
 * Installs the problem+json error handler unless the app set its own before (then the app's answers,
 * and the suite says so once at ready); warns at ready when the app replaced ours afterwards.
 */
function installErrorHandler (fastify: FastifyInstance, options: ResolvedErrorsOptions, writer: ProblemWriter, kept: Kept): void {
  const existing = fastify.errorHandler
  if (!isFastifyDefaultErrorHandler(existing)) {
    kept.errorHandler = nameOf(existing)
    return
  }
  fastify.setErrorHandler(errorHandler(options, writer))
  const ours = fastify.errorHandler
  fastify.addHook('onReady', function errorsHandlerReplaced (done) {
    const now = fastify.errorHandler
    if (now !== ours) {
      fastify.log.warn({ errorHandler: nameOf(now) },
        `@fastify-production/errors: the app's error handler "${nameOf(now)}", set after the suite, answers errors first; ` +
        'only what it rethrows reaches the problem+json handler. Remove that setErrorHandler call to answer every error with problem+json, ' +
        'or call it before registering the suite to keep your format without this warning.')
    }
    done()
  })
}

/**
 * Sets the problem+json not-found handler, or keeps the app's when it set one before. Afterwards, a
 * second setNotFoundHandler on the same context fails with one coded error that says how to fix it;
 * encapsulated contexts with a prefix still set their own.
 */
function installNotFoundHandler (fastify: FastifyInstance, writer: ProblemWriter, kept: Kept): void {
  const original = fastify.setNotFoundHandler as (this: FastifyInstance, ...args: unknown[]) => FastifyInstance
  try {
    original.call(fastify, notFoundHandler(writer))
  } catch (err) {
    if (!isAlreadySet(err)) throw err
    kept.notFound = true
    return
  }
  const prefix = fastify.prefix
  // An own property of this instance: every context below it inherits the guard, and Fastify's own
  // rules still decide (a child with a prefix of its own may set its own handler).
  Object.defineProperty(fastify, 'setNotFoundHandler', {
    configurable: true,
    writable: true,
    value: function setNotFoundHandler (this: FastifyInstance, ...args: unknown[]): FastifyInstance {
      try {
        return original.apply(this, args)
      } catch (err) {
        // Same prefix, same not-found handler: ours, set on this context or inherited by a child without a prefix.
        if (isAlreadySet(err) && this.prefix === prefix) throw new codes.FP_ERR_ERRORS_NOT_FOUND_HANDLER_SET(prefix || '/')
        throw err
      }
    }
  })
}

/** Error and not-found handlers, composed with whatever the app already set on this context. */
export function installHandlers (fastify: FastifyInstance, options: ResolvedErrorsOptions, writer: ProblemWriter): void {
  const kept: Kept = { errorHandler: undefined, notFound: false }
  installErrorHandler(fastify, options, writer, kept)
  if (options.notFound) installNotFoundHandler(fastify, writer, kept)
  if (kept.errorHandler === undefined && !kept.notFound) return
  const parts: string[] = []
  const remove: string[] = []
  if (kept.errorHandler !== undefined) {
    parts.push(`the app's error handler "${kept.errorHandler}" answers errors, so problem+json applies only to what the suite's packages answer (404, 429, 503...)`)
    remove.push('setErrorHandler')
  }
  if (kept.notFound) {
    parts.push("the app's not-found handler answers unmatched routes")
    remove.push('setNotFoundHandler')
  }
  const msg = `@fastify-production/errors: ${parts.join('; ')}. To answer them with problem+json instead, remove ${remove.join(' and ')} from the app.`
  fastify.addHook('onReady', function errorsKeptAppHandlers (done) {
    fastify.log.info({ errorHandler: kept.errorHandler, notFoundHandler: kept.notFound ? 'app' : 'suite' }, msg)
    done()
  })
}
