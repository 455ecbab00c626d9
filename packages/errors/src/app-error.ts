import { STATUS_CODES } from 'node:http'
import { codes } from './errors.js'

// Symbol.for, not Symbol(): two installed copies of this package must recognise each other's errors.
const kKind = Symbol.for('fastify-production.errors.kind')
const kAppError = Symbol.for('fastify-production.errors.app-error')

const CODE_PATTERN = /^[A-Z][A-Z0-9_]*$/

export interface AppErrorOptions {
  /** Stable, machine-readable code sent to clients as `code`. @default derived from the status, e.g. `NOT_FOUND` */
  code?: string
  /** Whether `message` may be shown to clients. @default `true` below 500, `false` from 500 */
  expose?: boolean
  /** Extra, client-safe data sent as `details` when the error is exposed. @default undefined */
  details?: unknown
  /** The underlying error; logged, never sent. @default undefined */
  cause?: unknown
  /** Response headers this error asks for, e.g. `retry-after`. @default undefined */
  headers?: Readonly<Record<string, string>>
}

/** The code a status gets when none is given: `404` -> `NOT_FOUND`. */
export function codeForStatus (status: number): string {
  const phrase = STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request')
  return phrase.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '')
}

function checkStatus (status: number): void {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new codes.FP_ERR_ERRORS_CATALOG(`status must be an integer from 400 to 599, got ${String(status)}`)
  }
}

/**
 * An operational error: its status and (below 500, or with `expose`) its message reach the client
 * as problem+json. Anything else thrown becomes a generic 500.
 */
export class AppError extends Error {
  static readonly [kKind]: string = 'AppError'

  static override [Symbol.hasInstance] (value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false
    const kind = (this as unknown as Record<symbol, unknown>)[kKind]
    try {
      if (Function.prototype[Symbol.hasInstance].call(this, value)) return true
      for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
        const ctor: unknown = proto.constructor
        if (typeof ctor === 'function' && Object.hasOwn(ctor, kKind) && (ctor as unknown as Record<symbol, unknown>)[kKind] === kind) return true
      }
    } catch {
      // A Proxy whose traps throw is no AppError.
    }
    return false
  }

  readonly status: number
  /** Same as `status`; Fastify and most libraries read this name. */
  readonly statusCode: number
  readonly code: string
  readonly expose: boolean
  readonly details: unknown
  readonly headers: Readonly<Record<string, string>> | undefined
  declare readonly [kAppError]: true

  constructor (status: number, message?: string, options: AppErrorOptions = {}) {
    checkStatus(status)
    super(message ?? STATUS_CODES[status] ?? 'Error', options.cause === undefined ? undefined : { cause: options.cause })
    if (options.code !== undefined && !CODE_PATTERN.test(options.code)) {
      throw new codes.FP_ERR_ERRORS_CATALOG(`code must match ${String(CODE_PATTERN)}, got "${options.code}"`)
    }
    this.name = new.target.name
    this.status = status
    this.statusCode = status
    this.code = options.code ?? codeForStatus(status)
    this.expose = options.expose ?? status < 500
    this.details = options.details
    this.headers = options.headers
    Object.defineProperty(this, kAppError, { value: true })
  }
}

/** True for an AppError from any installed copy of this package. */
export function isAppError (value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false
  try {
    return (value as Record<symbol, unknown>)[kAppError] === true
  } catch {
    return false
  }
}

type SubclassOptions = Omit<AppErrorOptions, 'code'> & { code?: string }

function subclass (status: number, name: string): new (message?: string, options?: SubclassOptions) => AppError {
  const Sub = class extends AppError {
    static override readonly [kKind]: string = name
    constructor (message?: string, options?: SubclassOptions) {
      super(status, message, options)
    }
  }
  Object.defineProperty(Sub, 'name', { value: name })
  return Sub
}

/** 400 */
export const BadRequestError = subclass(400, 'BadRequestError')
/** 401 */
export const UnauthorizedError = subclass(401, 'UnauthorizedError')
/** 403 */
export const ForbiddenError = subclass(403, 'ForbiddenError')
/** 404 */
export const NotFoundError = subclass(404, 'NotFoundError')
/** 409 */
export const ConflictError = subclass(409, 'ConflictError')
/** 422 */
export const UnprocessableEntityError = subclass(422, 'UnprocessableEntityError')
/** 429 */
export const TooManyRequestsError = subclass(429, 'TooManyRequestsError')
/** 503 */
export const ServiceUnavailableError = subclass(503, 'ServiceUnavailableError')

export type BadRequestError = InstanceType<typeof BadRequestError>
export type UnauthorizedError = InstanceType<typeof UnauthorizedError>
export type ForbiddenError = InstanceType<typeof ForbiddenError>
export type NotFoundError = InstanceType<typeof NotFoundError>
export type ConflictError = InstanceType<typeof ConflictError>
export type UnprocessableEntityError = InstanceType<typeof UnprocessableEntityError>
export type TooManyRequestsError = InstanceType<typeof TooManyRequestsError>
export type ServiceUnavailableError = InstanceType<typeof ServiceUnavailableError>

/** An error of a catalog entry: `code` is the literal the entry was created with. */
export interface CatalogError<C extends string, S extends number> extends AppError {
  readonly code: C
  readonly status: S
  readonly statusCode: S
}

/** A class made by `createError`. */
export interface CatalogErrorClass<C extends string, S extends number> {
  new (message?: string, options?: Omit<AppErrorOptions, 'code'>): CatalogError<C, S>
  readonly code: C
  readonly status: S
}

/**
 * Declares one entry of a typed error catalog.
 *
 * ```ts
 * const OrderNotFound = createError('ORDER_NOT_FOUND', 404, 'Order not found')
 * throw new OrderNotFound()
 * ```
 */
export function createError<C extends string, S extends number> (code: C, status: S, message: string): CatalogErrorClass<C, S> {
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) {
    throw new codes.FP_ERR_ERRORS_CATALOG(`code must match ${String(CODE_PATTERN)}, got "${String(code)}"`)
  }
  checkStatus(status)
  if (typeof message !== 'string' || message.length === 0) {
    throw new codes.FP_ERR_ERRORS_CATALOG(`message of ${code} must be a non-empty string`)
  }
  const Entry = class extends AppError {
    static override readonly [kKind]: string = `catalog:${code}`
    static readonly code = code
    static readonly status = status
    constructor (detail?: string, options: Omit<AppErrorOptions, 'code'> = {}) {
      super(status, detail ?? message, { ...options, code })
    }
  }
  Object.defineProperty(Entry, 'name', { value: code })
  return Entry as unknown as CatalogErrorClass<C, S>
}
