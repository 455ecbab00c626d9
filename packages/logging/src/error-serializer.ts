// Errors from HTTP clients carry the request they made and the answer they got: axios's
// `config.headers.Authorization`, `response.headers['set-cookie']` and `request._header` (the raw
// request head), got's `options.headers`, undici's `headers`. pino's `err` serializer copies all of
// it into the line. This one writes what pino's writes (pino-std-serializers' `err`: type, message
// and stack with their causes, aggregateErrors, the error's enumerable properties) with the secrets
// under the error censored. A serializer runs only for lines that carry an `err`; redact paths for
// these shapes would be many wildcards, which pino's redaction pays for on every line with the key.

const CENSOR = '[REDACTED]'
// Deep enough for `err.response.request.res.rawHeaders[1]` (5); deeper objects are written as
// '[Object]'/'[Array]', as pino does past its `depthLimit` (5): left as they are, they would reach
// the line uncensored.
const MAX_DEPTH = 6

/** Header names (lower case) whose values are censored wherever they appear under a logged error. */
export const ERROR_SECRET_HEADERS: readonly string[] = Object.freeze([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-auth-token', 'x-access-token', 'x-amz-security-token'
])
/** Other keys (lower case) censored under a logged error: credentials in request options and bodies. */
export const ERROR_SECRET_FIELDS: readonly string[] = Object.freeze([
  'password', 'token', 'secret', 'apikey', 'api_key', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'creditcard'
])

const HEADERS = new Set(ERROR_SECRET_HEADERS)
const NAMES = new Set([...ERROR_SECRET_HEADERS, ...ERROR_SECRET_FIELDS])
const headerNames = ERROR_SECRET_HEADERS.map((h) => h.replace(/-/g, '\\-')).join('|')
// A line of a raw HTTP head (`Authorization: Bearer ...`): ClientRequest's `_header`, `outputData`.
const MAY_HOLD_HEADER = new RegExp(`^[ \\t]*(?:${headerNames})[ \\t]*:`, 'im')
const HEADER_LINE = new RegExp(`^([ \\t]*(?:${headerNames})[ \\t]*:)[^\\r\\n]*`, 'gim')

interface ErrorLike {
  message: string
  stack?: string
  cause?: unknown
  errors?: unknown
  name?: unknown
  constructor?: unknown
  [key: string]: unknown
}

function isErrorLike (value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string'
}

function causeOf (err: ErrorLike): ErrorLike | undefined {
  // VError-style errors have a cause() method.
  const cause: unknown = typeof err.cause === 'function' ? (err.cause as () => unknown).call(err) : err.cause
  return isErrorLike(cause) ? cause : undefined
}

function messageWithCauses (err: ErrorLike, seen: Set<ErrorLike>, skip: boolean): string {
  const message = skip ? '' : err.message
  if (seen.has(err)) return `${message}: ...`
  const cause = causeOf(err)
  if (cause === undefined) return message
  seen.add(err)
  const vErrorStyle = typeof err.cause === 'function'
  return message + (vErrorStyle ? '' : ': ') + messageWithCauses(cause, seen, vErrorStyle)
}

function stackWithCauses (err: ErrorLike, seen: Set<ErrorLike>): string {
  const stack = err.stack ?? ''
  if (seen.has(err)) return `${stack}\ncauses have become circular...`
  const cause = causeOf(err)
  if (cause === undefined) return stack
  seen.add(err)
  return `${stack}\ncaused by: ${stackWithCauses(cause, seen)}`
}

// The prototype of pino's serialized errors: `raw` (the error itself) is there but not written.
const kRaw = Symbol('fastify-production.logging.raw-error')
const SERIALIZED = Object.create({}, {
  type: { enumerable: true, writable: true, value: undefined },
  message: { enumerable: true, writable: true, value: undefined },
  stack: { enumerable: true, writable: true, value: undefined },
  aggregateErrors: { enumerable: true, writable: true, value: undefined },
  raw: {
    enumerable: false,
    get (this: Record<symbol, unknown>) { return this[kRaw] },
    set (this: Record<symbol, unknown>, value: unknown) { this[kRaw] = value }
  },
  [kRaw]: { writable: true, value: {} }
}) as object

function scrubString (value: string): string {
  return MAY_HOLD_HEADER.test(value) ? value.replace(HEADER_LINE, `$1 ${CENSOR}`) : value
}

class Censor {
  constructor (private readonly keys: ReadonlySet<string>) {}

  secret (key: string): boolean {
    return NAMES.has(key.toLowerCase()) || this.keys.has(key)
  }

  error (err: ErrorLike, ancestors: Set<object>): Record<string, unknown> {
    ancestors.add(err)
    const out = Object.create(SERIALIZED) as Record<string, unknown>
    const ctor = err.constructor
    out.type = typeof ctor === 'function' ? ctor.name : err.name
    out.message = scrubString(messageWithCauses(err, new Set(), false))
    out.stack = scrubString(stackWithCauses(err, new Set()))
    if (Array.isArray(err.errors)) {
      out.aggregateErrors = err.errors.map((e: unknown) => isErrorLike(e) && !ancestors.has(e) ? this.error(e, ancestors) : this.value(e, 1, ancestors))
    }
    for (const key in err) {
      if (out[key] !== undefined) continue
      const value = err[key]
      if (value !== undefined && this.secret(key)) {
        out[key] = CENSOR
      } else if (isErrorLike(value)) {
        // Causes are in the message and stack already; an error holding an ancestor would loop.
        if (key !== 'cause' && !ancestors.has(value)) out[key] = this.error(value, ancestors)
      } else {
        out[key] = this.value(value, 1, ancestors)
      }
    }
    ancestors.delete(err)
    out.raw = err
    return out
  }

  /** `value` as JSON would write it, censored: the same value when nothing changes, else a copy. */
  value (value: unknown, depth: number, ancestors: Set<object>): unknown {
    if (typeof value === 'string') return scrubString(value)
    if (typeof value !== 'object' || value === null) return value
    if (ancestors.has(value)) return '[Circular]'
    if (depth > MAX_DEPTH) return Array.isArray(value) ? '[Array]' : '[Object]'
    ancestors.add(value)
    let out: unknown
    const toJSON = (value as { toJSON?: unknown }).toJSON
    // What JSON.stringify writes for it: AxiosHeaders, got's Options, Dates, Buffers.
    if (typeof toJSON === 'function') out = this.value((toJSON as () => unknown).call(value), depth, ancestors)
    else if (Array.isArray(value)) out = this.array(value, depth, ancestors)
    else out = this.object(value as Record<string, unknown>, depth, ancestors)
    ancestors.delete(value)
    return out
  }

  // A list of name, value, name, value... (IncomingMessage's rawHeaders, undici's header arrays):
  // the item after a secret header name is censored.
  private array (list: unknown[], depth: number, ancestors: Set<object>): unknown[] {
    let copy: unknown[] | undefined
    for (let i = 0; i < list.length; i++) {
      const item = list[i]
      const before = list[i - 1]
      const censored = typeof before === 'string' && HEADERS.has(before.toLowerCase()) && item !== undefined
        ? CENSOR
        : this.value(item, depth + 1, ancestors)
      if (censored !== item) {
        copy ??= list.slice()
        copy[i] = censored
      }
    }
    return copy ?? list
  }

  private object (obj: Record<string, unknown>, depth: number, ancestors: Set<object>): Record<string, unknown> {
    let copy: Record<string, unknown> | undefined
    for (const key of Object.keys(obj)) {
      const item = obj[key]
      const censored = item !== undefined && this.secret(key) ? CENSOR : this.value(item, depth + 1, ancestors)
      if (censored !== item) {
        copy ??= { ...obj }
        copy[key] = censored
      }
    }
    return copy ?? obj
  }
}

/**
 * pino's `err` serializer with secrets censored: values of ERROR_SECRET_HEADERS and
 * ERROR_SECRET_FIELDS (any case), and of `keys` (exact, the plugin's redactKeys()), at any depth up to
 * MAX_DEPTH under the error, in its causes and aggregated errors; `Name: value` lines of secret
 * headers in strings (raw request heads); the value after a secret header name in arrays (raw header
 * lists). A value that is no error is censored the same way. Nothing of the caller's is modified.
 */
export function errorSerializer (keys: ReadonlySet<string>): (value: unknown) => unknown {
  const censor = new Censor(keys)
  return function err (value: unknown): unknown {
    return isErrorLike(value) ? censor.error(value, new Set()) : censor.value(value, 0, new Set())
  }
}
