import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { resolveLoggingOptions, type LoggingOptions } from './options.js'
import { codes } from './errors.js'
import { ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, accessLineWriter, accessLogHook, type AccessLog } from './access-log.js'
import { directLine } from './direct-line.js'
import { addRoot, currentRequestTraceIds, kLogState, requestTraceIds, runInRequest } from './context.js'
import { kAccessLine, kRequestIdInfo, type RequestIdInfo } from './request-id.js'
import { onlyCensorsKeys, redactedKeysOf } from './redact-keys.js'
import { fastifyOtelRequestIds, hasContextManager, installTraceMixin, loadOpenTelemetry, traceIds, type OpenTelemetryApi } from './trace.js'
import { fastifyLogsRequests } from './request-logging.js'
import { withTraceIds } from './request-logger.js'
import { LoggingCap, provide } from '@fastify-production/core'

/** `fastify.logging` */
export interface LoggingDecorator {
  /** Object keys whose values are censored as `[REDACTED]` in every later log line of this app. */
  redactKeys: (keys: string[]) => void
  /** The keys added with redactKeys() so far. */
  readonly redactedKeys: readonly string[]
}

declare module 'fastify' {
  interface FastifyInstance {
    logging: LoggingDecorator
  }
}

/** Said once at ready when the app kept Fastify's own request logging (`logger: true`). */
export const FASTIFY_REQUEST_LOGGING_ON = 'Fastify\'s request logging is on; use serverOptions()/requestIdOptions() for one access line per request'

function checkKeys (keys: unknown): asserts keys is string[] {
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string' && k.length > 0)) {
    throw new codes.FP_ERR_LOGGING_REDACT_KEYS(Array.isArray(keys) ? 'an array with a non-string or empty item' : typeof keys)
  }
}

const loggingPlugin: FastifyPluginAsync<LoggingOptions> = async function logging (fastify, options) {
  const resolved = resolveLoggingOptions(options)
  const info = (fastify as unknown as { genReqId: { [kRequestIdInfo]?: RequestIdInfo } }).genReqId[kRequestIdInfo]
  const header = resolved.requestIdHeader ?? info?.header ?? 'x-request-id'
  // Fastify's own request lines stay when the app kept them: ours would be a third line per request.
  const fastifyLines = fastifyLogsRequests(fastify, info?.controller)
  if (fastifyLines) {
    fastify.addHook('onReady', function sayFastifyLogsRequests (done) {
      fastify.log.info(FASTIFY_REQUEST_LOGGING_ON)
      done()
    })
  } else if (info === undefined) {
    fastify.log.warn('@fastify-production/logging: Fastify was built without requestIdOptions(): request ids are Fastify\'s own and an inbound id it is told to take is not validated. Use Fastify({ ...requestIdOptions(), logger: loggerOptions() }), or serverOptions().')
  }
  const api = resolved.trace ? await loadOpenTelemetry() : undefined
  // Decided when the app is ready: an SDK is started before the app listens.
  let otel: OpenTelemetryApi | undefined
  // Each line reads the span active when it is written (pino's mixin): a span id taken once per
  // request would be that of the hook that took it, since @fastify/otel gives every hook and the
  // handler a span of its own.
  let perLine = false
  if (api !== undefined) {
    fastify.addHook('onReady', function detectOpenTelemetry (done) {
      otel = hasContextManager(api) ? api : undefined
      perLine = otel !== undefined && installTraceMixin(fastify.log, otel, currentRequestTraceIds)
      if (perLine) access?.traceWith(requestTraceIds)
      done()
    })
  }

  // Fastify's disabled logger is no pino logger: nothing is written, so there is nothing to censor.
  const keys = redactedKeysOf(fastify.log) ?? new Set<string>()
  function redactKeys (list: string[]): void {
    checkKeys(list)
    for (const key of list) keys.add(key)
  }
  provide(fastify, LoggingCap, { redactKeys }, '@fastify-production/logging')
  fastify.decorate('logging', {
    redactKeys,
    get redactedKeys (): readonly string[] {
      return [...keys]
    }
  })

  fastify.decorateRequest(kLogState, null)
  const removeRoot = addRoot(fastify.log)
  fastify.addHook('onClose', async function forgetRootLogger () {
    removeRoot()
  })

  let access: AccessLog | undefined
  if (resolved.accessLog && !fastifyLines) {
    const direct = onlyCensorsKeys(fastify.log) ? directLine(fastify.log, ACCESS_LINE_KEYS, ACCESS_LINE_MESSAGE, keys) : undefined
    access = accessLineWriter(resolved.redactQuery, direct)
    // Through requestIdOptions()' LogController when there is one: no onResponse hook to run.
    if (info?.controller !== undefined) info.controller[kAccessLine] = access.completed
    else fastify.addHook('onResponse', accessLogHook(access.completed))
  }

  const trace = resolved.trace
  fastify.addHook('onRequest', function requestLogging (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    // Set first thing, so every response carries it: errors and 404s included.
    reply.header(header, request.id)
    access?.watch(reply)
    if (perLine) {
      // No child logger: the mixin adds the ids; these are the request's, for the access line.
      request[kLogState] = { trace: traceIds(otel, request.headers.traceparent), otel, base: undefined, fields: {} }
    } else if (trace) {
      // A logger that is no pino logger gets the ids once: @fastify/otel's request span if any.
      const ids = (otel === undefined ? undefined : fastifyOtelRequestIds(otel, request)) ?? traceIds(otel, request.headers.traceparent)
      if (ids !== undefined) {
        request[kLogState] = { trace: ids, base: undefined, fields: {} }
        const log = withTraceIds(request.log, ids.traceId, ids.spanId)
        request.log = log
        reply.log = log
      }
    }
    // Everything after this hook, the handler included, runs inside the context: on Node 20 and 24 a
    // body read from later socket reads continues in it too (test: request-context, real socket).
    runInRequest(reply, done)
  })
}

/**
 * Request ids echoed on every response, one access line per request, request context for the
 * service layer (getLogger(), requestContext()), trace correlation and `fastify.logging.redactKeys()`.
 */
export const logging = fp(loggingPlugin, { fastify: '5.x', name: '@fastify-production/logging' })
export default logging

export type { LoggingOptions, LoggerOptionsInput, RequestIdOptionsInput, LogDestination, LogLevel, RequestIdGenerator } from './options.js'
export { DEFAULT_QUERY_KEYS } from './options.js'
export { stdoutDestination, type TurnBatchedDestination } from './destination.js'
export { loggerOptions, DEFAULT_REDACT_PATHS, REDACT_CENSOR, type PinoOptions } from './logger-options.js'
export { requestIdOptions, isSafeRequestId, type RequestIdServerOptions } from './request-id.js'
export { getLogger, requestContext, type RequestContext } from './context.js'
export { parseTraceparent, type TraceIds } from './trace.js'
export { codes } from './errors.js'
