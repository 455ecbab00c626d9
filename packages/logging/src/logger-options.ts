import { createRequire } from 'node:module'
import type { FastifyServerOptions } from 'fastify'
import { codes } from './errors.js'
import { resolveLoggerOptions, type LogDestination, type LoggerOptionsInput } from './options.js'
import { keyRedactingFormatter } from './redact-keys.js'
import { errorSerializer } from './error-serializer.js'
import { stdoutDestination } from './destination.js'

/** The value of Fastify's `logger` constructor option: pino options. */
export type PinoOptions = Exclude<NonNullable<FastifyServerOptions['logger']>, boolean>

export const REDACT_CENSOR = '[REDACTED]'

const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key']
const SECRET_FIELDS = ['password', 'token', 'secret', 'apiKey', 'creditCard']

/**
 * pino redact paths censored by default. Concrete paths only: a leading `*` wildcard would run
 * pino's redactor over every value of every line, the access line included.
 */
export const DEFAULT_REDACT_PATHS: readonly string[] = Object.freeze([
  ...['req.headers', 'res.headers', 'headers'].flatMap((at) => SECRET_HEADERS.map((h) => `${at}["${h}"]`)),
  ...SECRET_FIELDS,
  ...['body', 'req.body', 'err'].flatMap((at) => SECRET_FIELDS.map((f) => `${at}.${f}`))
])

let lastMs = 0
let lastTime = ''
// pino's isoTime, with the string kept for the rest of the millisecond: under load many lines share one.
function isoTime (): string {
  const now = Date.now()
  if (now !== lastMs) {
    lastMs = now
    lastTime = `,"time":"${new Date(now).toISOString()}"`
  }
  return lastTime
}

function levelLabel (label: string): { level: string } {
  return { level: label }
}

const require = createRequire(import.meta.url)

type PrettyFactory = (options: Record<string, unknown>) => (line: string) => string

function prettyDestination (destination: LogDestination | undefined, load: (id: string) => unknown): LogDestination {
  let prettyFactory: PrettyFactory
  try {
    prettyFactory = (load('pino-pretty') as { prettyFactory: PrettyFactory }).prettyFactory
  } catch (err) {
    throw new codes.FP_ERR_LOGGING_PRETTY_MISSING((err as { code?: string }).code ?? String(err))
  }
  const out = destination ?? process.stdout
  // In-process and synchronous: no worker thread to start or to flush at exit, and lines stay in order.
  const format = prettyFactory({
    colorize: destination === undefined && process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname'
  })
  return { write: (line: string) => out.write(format(line)) }
}

/** Internal: `load` stands in for require() so a test can play a missing pino-pretty. */
export function buildLoggerOptions (options: LoggerOptionsInput, load: (id: string) => unknown): PinoOptions {
  const resolved = resolveLoggerOptions(options)
  const stream = resolved.pretty ? prettyDestination(resolved.stream, load) : resolved.stream ?? stdoutDestination()
  const keys = new Set<string>()
  return {
    level: resolved.level,
    timestamp: isoTime,
    formatters: { level: levelLabel, log: keyRedactingFormatter(keys) },
    // Only lines with an `err` pay for it; it censors redactKeys() keys too.
    serializers: { err: errorSerializer(keys) } as PinoOptions['serializers'],
    redact: { paths: [...DEFAULT_REDACT_PATHS, ...resolved.redact], censor: REDACT_CENSOR },
    stream
  }
}

/**
 * pino options for `Fastify({ logger: loggerOptions() })`: ISO time, level labels, pid and hostname,
 * secrets censored as `[REDACTED]` (DEFAULT_REDACT_PATHS plus `redact`, and secret headers and fields
 * anywhere under a logged `err`), pretty output on request.
 */
export function loggerOptions (options: LoggerOptionsInput = {}): PinoOptions {
  return buildLoggerOptions(options, require)
}
