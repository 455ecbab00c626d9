// Censoring by object key, extendable after the logger exists. pino's `redact` paths are compiled
// when the logger is built, so keys learnt later (secret names from config) go through pino's
// `formatters.log` hook instead: one Set size check per line while no key was added.

const kKeys = Symbol.for('fastify-production.logging.redact-keys')
const kWraps = Symbol.for('fastify-production.logging.redact-keys.wraps')
// Public pino symbol, stable across pino versions.
const kPinoFormatters = Symbol.for('pino.formatters')
const CENSOR = '[REDACTED]'
// Deep enough for `{ config: { db: { url } } }`, bounded so a cyclic object cannot loop.
const MAX_DEPTH = 6

type LogObject = Record<string, unknown>
type LogFormatter = (obj: LogObject) => LogObject

function censorValue (value: unknown, keys: ReadonlySet<string>, depth: number): unknown {
  if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i]
      const censored = censorValue(item, keys, depth + 1)
      if (censored !== item) {
        copy ??= value.slice()
        copy[i] = censored
      }
    }
    return copy ?? value
  }
  const proto: unknown = Object.getPrototypeOf(value)
  // Errors, Dates, Buffers and class instances keep their shape for their serializers.
  if (proto !== Object.prototype && proto !== null) return value
  return censorObject(value as LogObject, keys, depth)
}

// Copy-on-write: the caller's objects are never modified; unchanged objects are returned as they are.
function censorObject (obj: LogObject, keys: ReadonlySet<string>, depth: number): LogObject {
  let copy: LogObject | undefined
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue
    const value = obj[key]
    const censored = keys.has(key) ? CENSOR : censorValue(value, keys, depth + 1)
    if (censored !== value) {
      copy ??= { ...obj }
      copy[key] = censored
    }
  }
  return copy ?? obj
}

/** Builds the `formatters.log` function that censors `keys`, after `inner` when there is one. */
export function keyRedactingFormatter (keys: Set<string>, inner?: LogFormatter): LogFormatter {
  const format: LogFormatter = inner === undefined
    ? (obj) => keys.size === 0 ? obj : censorObject(obj, keys, 0)
    : (obj) => keys.size === 0 ? inner(obj) : censorObject(inner(obj), keys, 0)
  Object.defineProperty(format, kKeys, { value: keys })
  Object.defineProperty(format, kWraps, { value: inner !== undefined })
  return format
}

/**
 * The key set a pino logger censors. A logger built from loggerOptions() already has one; any other
 * pino logger gets one wrapped around its own `formatters.log` (children made from then on inherit it).
 * Not a pino logger (or Fastify's disabled logger): undefined.
 */
export function redactedKeysOf (log: object): Set<string> | undefined {
  const formatters = (log as Record<symbol, unknown>)[kPinoFormatters] as { log?: LogFormatter } | undefined
  if (formatters === undefined) return undefined
  const existing = (formatters.log as (LogFormatter & { [kKeys]?: Set<string> }) | undefined)?.[kKeys]
  if (existing !== undefined) return existing
  const keys = new Set<string>()
  ;(log as Record<symbol, unknown>)[kPinoFormatters] = { ...formatters, log: keyRedactingFormatter(keys, formatters.log) }
  return keys
}

/** Whether the only thing `log`'s log formatter does is censor keys (no formatter of the user's inside). */
export function onlyCensorsKeys (log: object): boolean {
  const formatters = (log as Record<symbol, unknown>)[kPinoFormatters] as { log?: Record<symbol, unknown> } | undefined
  return formatters?.log?.[kKeys] !== undefined && formatters.log[kWraps] === false
}
