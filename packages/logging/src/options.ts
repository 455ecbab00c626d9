import { Type, type TSchema } from 'typebox'
import { assertOptions } from '@fastify-production/core'
import { codes } from './errors.js'

const Level = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)))
const NonEmptyStrings = Type.Array(Type.String({ minLength: 1 }))
// An HTTP header field name (RFC 9110 token).
const HeaderName = Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" })

function validate (schema: TSchema, given: unknown, accepted: string): void {
  assertOptions(schema, given, codes.FP_ERR_LOGGING_OPTIONS, accepted)
}

/** A pino destination: anything with `write(line)`. */
export interface LogDestination {
  write: (line: string) => unknown
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface LoggerOptionsInput {
  /** Lowest level written: fatal, error, warn, info, debug, trace or silent (checked at runtime, so `process.env.LOG_LEVEL` fits). @default 'info' */
  level?: LogLevel | (string & Record<never, never>)
  /** pino redact paths added to the defaults (see README), censored as `[REDACTED]`. @default [] */
  redact?: string[]
  /** Human-readable output through pino-pretty (optional peer). For development only. @default false */
  pretty?: boolean
  /** Where lines go instead of stdout, e.g. a file stream or a test capture. @default stdout */
  stream?: LogDestination
}

const LoggerOptionsSchema = Type.Object({
  level: Type.Optional(Level),
  redact: Type.Optional(NonEmptyStrings),
  pretty: Type.Optional(Type.Boolean()),
  stream: Type.Optional(Type.Unknown())
}, { additionalProperties: false })

export interface ResolvedLoggerOptions {
  level: LogLevel
  redact: readonly string[]
  pretty: boolean
  stream: LogDestination | undefined
}

export function resolveLoggerOptions (given: unknown): ResolvedLoggerOptions {
  const accepted = 'level (fatal|error|warn|info|debug|trace|silent), redact (array of pino paths), pretty (boolean), stream (object with write())'
  validate(LoggerOptionsSchema, given, accepted)
  const opts = given as LoggerOptionsInput
  if (opts.stream !== undefined && typeof (opts.stream as { write?: unknown } | null)?.write !== 'function') {
    throw new codes.FP_ERR_LOGGING_OPTIONS('stream', `must have a write() method; accepted: ${accepted}`)
  }
  return {
    level: (opts.level ?? 'info') as LogLevel,
    redact: [...(opts.redact ?? [])],
    pretty: opts.pretty ?? false,
    stream: opts.stream
  }
}

export type RequestIdGenerator = 'counter' | 'uuid'

export interface RequestIdOptionsInput {
  /** Header read for an inbound id and echoed on every response. @default 'x-request-id' */
  header?: string
  /** Accept a well-formed inbound id (1-128 of `[A-Za-z0-9._:-]`); `false` always generates. @default true */
  trustInbound?: boolean
  /** `counter`: random per-app prefix plus a counter (cheap); `uuid`: `crypto.randomUUID()`. @default 'counter' */
  generator?: RequestIdGenerator
  /** Key of the request id on every log line of a request. @default 'reqId' */
  logLabel?: string
}

const RequestIdOptionsSchema = Type.Object({
  header: Type.Optional(HeaderName),
  trustInbound: Type.Optional(Type.Boolean()),
  generator: Type.Optional(Type.Union([Type.Literal('counter'), Type.Literal('uuid')])),
  logLabel: Type.Optional(Type.String({ minLength: 1 }))
}, { additionalProperties: false })

export interface ResolvedRequestIdOptions {
  header: string
  trustInbound: boolean
  generator: RequestIdGenerator
  logLabel: string
}

export function resolveRequestIdOptions (given: unknown): ResolvedRequestIdOptions {
  validate(RequestIdOptionsSchema, given, 'header (header name), trustInbound (boolean), generator (counter|uuid), logLabel (non-empty string)')
  const opts = given as RequestIdOptionsInput
  return {
    header: (opts.header ?? 'x-request-id').toLowerCase(),
    trustInbound: opts.trustInbound ?? true,
    generator: opts.generator ?? 'counter',
    logLabel: opts.logLabel ?? 'reqId'
  }
}

export interface LoggingOptions {
  /** Response header that echoes the request id. @default the `header` given to requestIdOptions(), else 'x-request-id' */
  requestIdHeader?: string
  /** Write one access line per completed request. @default true */
  accessLog?: boolean
  /** Query parameters whose values are replaced by `[REDACTED]` in the access line, added to the defaults (case-insensitive). @default [] */
  redactQuery?: string[]
  /** Put `trace_id` / `span_id` from `traceparent` (or the active OpenTelemetry span) on the request's log lines. @default true */
  trace?: boolean
}

const LoggingOptionsSchema = Type.Object({
  requestIdHeader: Type.Optional(HeaderName),
  accessLog: Type.Optional(Type.Boolean()),
  redactQuery: Type.Optional(NonEmptyStrings),
  trace: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

/** Query keys censored in access lines by default. */
export const DEFAULT_QUERY_KEYS: readonly string[] = Object.freeze([
  'token', 'access_token', 'refresh_token', 'id_token', 'code', 'api_key', 'apikey', 'key',
  'password', 'secret', 'client_secret', 'signature', 'sig',
  'x-amz-signature', 'x-amz-credential', 'x-amz-security-token'
])

export interface ResolvedLoggingOptions {
  requestIdHeader: string | undefined
  accessLog: boolean
  redactQuery: ReadonlySet<string>
  trace: boolean
}

export function resolveLoggingOptions (given: unknown): ResolvedLoggingOptions {
  validate(LoggingOptionsSchema, given, 'requestIdHeader (header name), accessLog (boolean), redactQuery (array of non-empty strings), trace (boolean)')
  const opts = given as LoggingOptions
  return {
    requestIdHeader: opts.requestIdHeader?.toLowerCase(),
    accessLog: opts.accessLog ?? true,
    redactQuery: new Set([...DEFAULT_QUERY_KEYS, ...(opts.redactQuery ?? [])].map((k) => k.toLowerCase())),
    trace: opts.trace ?? true
  }
}
