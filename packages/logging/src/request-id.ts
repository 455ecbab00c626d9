import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import { resolveRequestIdOptions, type RequestIdOptionsInput } from './options.js'
import type { AccessLineWriter } from './access-log.js'
import { IssuedId, requestLoggerFactory } from './request-logger.js'

/** What requestIdOptions() tells the plugin, through the `genReqId` function Fastify keeps. */
export const kRequestIdInfo = Symbol.for('fastify-production.logging.request-id')

/** Where the plugin puts its access line writer on our LogController. */
export const kAccessLine = Symbol('fastify-production.logging.access-line')

export interface AccessLineSlot {
  [kAccessLine]: AccessLineWriter | undefined
}

export interface RequestIdInfo {
  header: string
  /** Our LogController, when this Fastify has LogController (>= 5.12). */
  controller: AccessLineSlot | undefined
}

// 1-128 characters that are safe in a header, a log line and a URL.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/
// Kept within a V8 small integer; past it a fresh prefix starts a new sequence.
const MAX_COUNTER = 2_147_483_647

export function isSafeRequestId (value: unknown): value is string {
  return typeof value === 'string' && SAFE_ID.test(value)
}

/** `<12 random hex>-<base36 counter>`: unique across instances without a UUID per request. */
export function counterIds (start = 0): () => string {
  let prefix = `${randomBytes(6).toString('hex')}-`
  let n = start
  return function nextId () {
    if (n === MAX_COUNTER) {
      prefix = `${randomBytes(6).toString('hex')}-`
      n = 0
    }
    n++
    return prefix + n.toString(36)
  }
}

type LogControllerClass = NonNullable<typeof fastify.LogController>

type RequestLoggingOptions = Pick<FastifyServerOptions, 'logController' | 'requestIdLogLabel' | 'disableRequestLogging'>

/** Fastify's request-logging options: ours replace its two lines per request with one access line. */
export function requestLoggingOptions (
  LogController: LogControllerClass | undefined,
  logLabel: string
): { options: RequestLoggingOptions, controller: AccessLineSlot | undefined } {
  // Fastify before 5.12 has no LogController: the top-level options (deprecated since) do the same,
  // but also silence its default error handler's log lines.
  if (LogController === undefined) return { options: { requestIdLogLabel: logLabel, disableRequestLogging: true }, controller: undefined }
  // Only the per-request lines go; error lines of Fastify's default error handler stay.
  class AccessLogController extends LogController implements AccessLineSlot {
    [kAccessLine]: AccessLineWriter | undefined = undefined
    override incomingRequest (): void {}
    // Fastify calls this for every finished request, hooks or not: the plugin's access line is
    // written here, which spares every request an onResponse hook.
    override requestCompleted (_error: unknown, request: FastifyRequest, reply: FastifyReply): void {
      this[kAccessLine]?.(request, reply)
    }

    // Fastify's 404 line repeats the raw URL, query and all; the access line covers 404s.
    override routeNotFound (): void {}
  }
  const controller = new AccessLogController({ requestIdLogLabel: logLabel })
  return { options: { logController: controller }, controller }
}

export type RequestIdServerOptions = Pick<FastifyServerOptions, 'genReqId' | 'requestIdHeader' | 'logController' | 'requestIdLogLabel' | 'disableRequestLogging' | 'childLoggerFactory'>

/**
 * Fastify constructor options for request ids: `Fastify({ ...requestIdOptions(), logger: loggerOptions() })`.
 * A well-formed inbound id is kept, anything else is replaced by a generated one.
 */
export function requestIdOptions (options: RequestIdOptionsInput = {}): RequestIdServerOptions {
  const resolved = resolveRequestIdOptions(options)
  const next = resolved.generator === 'uuid' ? randomUUID : counterIds()
  const header = resolved.header
  const issued = new IssuedId()
  const genReqId = resolved.trustInbound
    ? function genReqId (req: IncomingMessage): string {
      const inbound = req.headers[header]
      return (issued.last = isSafeRequestId(inbound) ? inbound : next())
    }
    : function genReqId (): string { return (issued.last = next()) }
  const logging = requestLoggingOptions((fastify as { LogController?: LogControllerClass }).LogController, resolved.logLabel)
  const info: RequestIdInfo = { header, controller: logging.controller }
  Object.defineProperty(genReqId, kRequestIdInfo, { value: info })
  return {
    genReqId,
    // Fastify would take any inbound value as is; genReqId reads and checks the header itself.
    requestIdHeader: false,
    // Each request's logger made cheaply (same lines): see request-logger.ts.
    childLoggerFactory: requestLoggerFactory(resolved.logLabel, issued),
    ...logging.options
  }
}
