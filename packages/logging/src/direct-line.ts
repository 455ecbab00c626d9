import { tracingChannel } from 'node:diagnostics_channel'
import type { FastifyBaseLogger } from 'fastify'
import { kTraceMixin } from './trace.js'

// The access line has fixed keys and simple values, yet pino builds it as any other line: a merge
// object walked key by key, each value checked against serializers and redact paths. Written here
// as a string of the same bytes pino would write, it costs about a third. pino's parts (level
// prefix, time, bindings, line end, destination) are read off the logger itself, found by their
// symbols' descriptions, since the pino copy Fastify uses need not be ours. Whatever pino could do
// differently on a line (a mixin, hooks, nested key, message prefix, serializers or redact paths
// on these keys, a tracer on pino's asJson channel, a child with its own serializers, redaction or
// log formatter) sends the line back through pino. The one mixin allowed is this package's trace
// mixin (installed once an OpenTelemetry SDK is found), when the caller's fields already hold the
// trace_id/span_id that the line object would carry through pino and override the mixin's with.

type Internal = Record<symbol, unknown>

const kSerializers = Symbol.for('pino.serializers')
const kFormatters = Symbol.for('pino.formatters')
const kHooks = Symbol.for('pino.hooks')
const kMetadata = Symbol.for('pino.metadata')
const asJsonChannel = tracingChannel('pino_asJson')

const NAMES = ['chindings', 'time', 'stream', 'lsCache', 'end', 'msgPrefix', 'stringifiers', 'mixin', 'mixinMergeStrategy', 'messageKey', 'nestedKey', 'wildcardFirst'] as const
type Name = typeof NAMES[number]

function pinoSymbols (log: object): Record<Name, symbol> | undefined {
  const byDescription = new Map<string | undefined, symbol>()
  for (let o: object | null = log; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    for (const s of Object.getOwnPropertySymbols(o)) byDescription.set(s.description, s)
  }
  // wildcardFirst keys the stringifiers object, not the logger.
  for (const s of Object.getOwnPropertySymbols((log as Internal)[byDescription.get('pino.stringifiers') as symbol] ?? {})) {
    byDescription.set(s.description, s)
  }
  const found: Partial<Record<Name, symbol>> = {}
  for (const name of NAMES) {
    const s = byDescription.get(`pino.${name}`)
    // No wildcard redact path: no symbol to find, and none to check for.
    found[name] = s ?? (name === 'wildcardFirst' ? Symbol('absent') : undefined)
    if (found[name] === undefined) return undefined
  }
  return found as Record<Name, symbol>
}

/**
 * Writes one line for `log` with `fields` (`,"key":value...`, already JSON) and the fixed message.
 * `traced`: the fields hold the line's trace ids (see above). Returns false when the line must go
 * through pino instead (nothing was written).
 */
export type DirectLine = (log: FastifyBaseLogger, level: 'info' | 'error', fields: string, traced: boolean) => boolean

const LEVELS = { info: 30, error: 50 } as const

interface Levels {
  levels?: { values?: Record<string, number> }
  isLevelEnabled: (level: string) => boolean
}

/**
 * A direct writer for lines with the keys `keys` from children of `root`, or undefined when `root`
 * is not a pino logger whose lines this can reproduce. `censored` are the keys `root`'s log
 * formatter censors (fastify.logging.redactKeys): a line whose keys are among them goes to pino.
 */
export function directLine (root: FastifyBaseLogger, keys: readonly string[], message: string, censored: ReadonlySet<string>): DirectLine | undefined {
  const s = pinoSymbols(root)
  if (s === undefined) return undefined
  const r = root as unknown as Internal
  const hooks = r[kHooks] as { logMethod?: unknown, streamWrite?: unknown } | undefined
  const serializers = r[kSerializers] as Record<string, unknown>
  const stringifiers = r[s.stringifiers] as Record<string | symbol, unknown>
  const formatLog = (r[kFormatters] as { log?: unknown }).log
  const messageKey = r[s.messageKey] as string
  const values = (root as unknown as Levels).levels?.values
  const standardLevels = values?.info === LEVELS.info && values.error === LEVELS.error
  const keysUntouched = [...keys, messageKey].every((k) => serializers[k] === undefined && stringifiers[k] === undefined)
  const plainWrite = r[s.mixin] === undefined && hooks?.logMethod === undefined && hooks?.streamWrite === undefined &&
    r[s.nestedKey] === null && (r[s.stream] as Internal)[kMetadata] !== true && stringifiers[s.wildcardFirst] === undefined
  if (!standardLevels || !keysUntouched || !plainWrite) return undefined
  const tail = `,${JSON.stringify(messageKey)}:${JSON.stringify(message)}`
  return function writeDirect (log, level, fields, traced) {
    const l = log as unknown as Internal
    const mixin = l[s.mixin] as Record<symbol, unknown> | undefined
    if ((mixin !== undefined && !(traced && mixin[kTraceMixin] === 'alone' && l[s.mixinMergeStrategy] === undefined)) ||
      l[kSerializers] !== serializers || l[s.stringifiers] !== stringifiers ||
      (l[kFormatters] as { log?: unknown }).log !== formatLog || l[s.msgPrefix] !== undefined ||
      asJsonChannel.hasSubscribers || (censored.size !== 0 && keys.some((k) => censored.has(k)))) {
      return false
    }
    // Below the logger's level: written by neither path.
    if (!(log as unknown as Levels).isLevelEnabled(level)) return true
    const prefix = (l[s.lsCache] as Record<number, string>)[LEVELS[level]] as string
    const line = prefix + (l[s.time] as () => string)() + (l[s.chindings] as string) + fields + tail + (l[s.end] as string)
    ;(l[s.stream] as { write: (line: string) => void }).write(line)
    return true
  }
}

// JSON strings without escapes: printable ASCII other than `"` and `\`.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** A JSON string, skipping JSON.stringify for the usual URL. */
export function jsonString (value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value)
}
