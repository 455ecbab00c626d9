import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import { jsonString } from './direct-line.js'

// Fastify makes each request's logger with `logger.child({ reqId }, {})`. Given an options object,
// even an empty one, pino takes its slow path: options checked one by one, a formatters object built,
// the bindings walked and each value JSON-encoded (about 0.3-0.5 µs, and garbage). A request logger
// differs from its parent by one binding only, so here it is made as pino makes a child, minus the
// work that changes nothing for it: an object whose prototype is the parent, with the parent's
// bindings string plus `,"reqId":"<id>"`. Its lines, its own children, `bindings()` and level
// changes are pino's as before. Whatever could make pino write the binding differently (a serializer
// or redact path on the key, a wildcard redact path, child options such as a route's `logLevel` or
// `logSerializers`, a logger that is no pino logger) goes to `logger.child()`.

type ChildLoggerFactory = NonNullable<FastifyServerOptions['childLoggerFactory']>

/** Set on request loggers made here: a trace binding can be added the same way. */
const kCheapChild = Symbol('fastify-production.logging.cheap-child')

interface Internal {
  [key: symbol]: unknown
  onChild?: (child: object) => void
}

interface Shape {
  chindings: symbol
  /** Whether `trace_id` and `span_id` can be bound the same way. */
  traced: boolean
}

const shapes = new WeakMap<object, Shape | null>()
// pino drops bindings named so (options of its own).
const RESERVED = new Set(['level', 'serializers', 'formatters', 'customLevels'])

function symbolsOf (log: object): Map<string | undefined, symbol> {
  const found = new Map<string | undefined, symbol>()
  for (let o: object | null = log; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    for (const s of Object.getOwnPropertySymbols(o)) if (!found.has(s.description)) found.set(s.description, s)
  }
  return found
}

// Whether children of `log` with the binding `key` can be made here; decided once per parent logger.
function shapeOf (log: object, key: string): Shape | null {
  let shape = shapes.get(log)
  if (shape !== undefined) return shape
  shape = null
  const s = symbolsOf(log)
  const chindings = s.get('pino.chindings')
  const stringifiers = (log as Internal)[s.get('pino.stringifiers') as symbol] as Record<string | symbol, unknown> | undefined
  const serializers = (log as Internal)[Symbol.for('pino.serializers')] as Record<string, unknown> | undefined
  if (chindings !== undefined && typeof (log as Internal)[chindings] === 'string' && stringifiers !== undefined && serializers !== undefined &&
    !RESERVED.has(key) && serializers[key] === undefined && stringifiers[key] === undefined &&
    Object.getOwnPropertySymbols(stringifiers).every((w) => w.description !== 'pino.wildcardFirst')) {
    const untouched = (k: string): boolean => serializers[k] === undefined && stringifiers[k] === undefined
    shape = { chindings, traced: untouched('trace_id') && untouched('span_id') }
  }
  shapes.set(log, shape)
  return shape
}

function cheapChild (log: Internal, shape: Shape, chindings: string): FastifyBaseLogger {
  const child = Object.create(log) as Internal
  child[shape.chindings] = chindings
  child[kCheapChild] = shape
  log.onChild?.(child)
  return child as unknown as FastifyBaseLogger
}

function isEmpty (options: object): boolean {
  for (const key in options) if (Object.hasOwn(options, key)) return false
  return true
}

/**
 * The id our genReqId issued last. Fastify makes the request's logger right after it asks for the
 * id, in the same tick, so an id equal to it is one of ours: safe in JSON as it is (hex, a UUID or an
 * inbound id that passed the safe-id check) and need not be tested for escapes. Any other id (an
 * app's own genReqId) is escaped as usual.
 */
export class IssuedId {
  last: string | undefined = undefined
}

/** Fastify's `childLoggerFactory` for request loggers whose one binding is the request id under `label`. */
export function requestLoggerFactory (label: string, issued: IssuedId): ChildLoggerFactory {
  const key = `,${JSON.stringify(label)}:`
  return function requestLogger (logger, bindings, options) {
    const id = bindings[label]
    // Fastify passes `{}` unless the route has a logLevel or logSerializers.
    const shape = typeof id === 'string' && isEmpty(options) ? shapeOf(logger, label) : null
    if (shape === null) return logger.child(bindings, options)
    const parent = logger as unknown as Internal
    const quoted = id === issued.last ? `"${id}"` : jsonString(id as string)
    return cheapChild(parent, shape, (parent[shape.chindings] as string) + key + quoted)
  }
}

/**
 * `log` with `trace_id` and `span_id` bound (ids are lower-case hex). A request logger made above
 * and untouched since (no level of its own) gets a sibling with both bindings: a child of it would
 * turn it into a prototype, which V8 makes costly (several µs). Else a child, with `child()` unless
 * `log` was made above.
 */
export function withTraceIds (log: FastifyBaseLogger, traceId: string, spanId: string): FastifyBaseLogger {
  const l = log as unknown as Internal
  const shape = l[kCheapChild] as Shape | undefined
  if (shape?.traced !== true) return log.child({ trace_id: traceId, span_id: spanId })
  const pristine = Reflect.ownKeys(l).length === 2
  return cheapChild(pristine ? Object.getPrototypeOf(l) as Internal : l, shape, `${l[shape.chindings] as string},"trace_id":"${traceId}","span_id":"${spanId}"`)
}
