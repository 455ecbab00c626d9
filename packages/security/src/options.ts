import { Type, type Static, type TSchema } from 'typebox'
import type { HelmetOptions } from 'helmet'
import type { FastifyRequest } from 'fastify'
import { firstViolation } from '@fastify-production/core'
import { codes } from './errors.js'
import { buildHeaderSets, type HeaderSets } from './headers.js'
import { compileCors, type ResolvedCors } from './cors.js'
import { parseTimeWindow } from './time-window.js'
import { MAX_DELAY_MS, resolveDelay, type Delay } from './slow-down.js'

const Policy = Type.Union([Type.Literal('open'), Type.Literal('closed')])
const TimeWindow = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ minLength: 1 })])
const DelayKeys = {
  delayAfter: Type.Optional(Type.Integer({ minimum: 0 })),
  delayMs: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DELAY_MS })),
  maxDelayMs: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DELAY_MS }))
}
const Tier = Type.Object({
  max: Type.Integer({ minimum: 1 }),
  timeWindow: TimeWindow,
  onStoreError: Type.Optional(Policy),
  ...DelayKeys
}, { additionalProperties: false })

const HeadersSchema = Type.Object({
  api: Type.Optional(Type.Object({}, { additionalProperties: true })),
  page: Type.Optional(Type.Object({}, { additionalProperties: true })),
  cacheControl: Type.Optional(Type.Union([Type.Literal(false), Type.String({ pattern: '^[ -~]+$' })]))
}, { additionalProperties: false })

const Token = Type.String({ pattern: '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$' })
const CorsSchema = Type.Object({
  origins: Type.Array(Type.Unknown()),
  credentials: Type.Optional(Type.Boolean()),
  methods: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z]+$' }))),
  allowedHeaders: Type.Optional(Type.Array(Token)),
  exposedHeaders: Type.Optional(Type.Array(Token)),
  maxAge: Type.Optional(Type.Integer({ minimum: 0 })),
  strict: Type.Optional(Type.Boolean()),
  allowNullOrigin: Type.Optional(Type.Boolean())
}, { additionalProperties: false })

const RateLimitSchema = Type.Object({
  max: Type.Optional(Type.Integer({ minimum: 1 })),
  timeWindow: Type.Optional(TimeWindow),
  global: Type.Optional(Type.Boolean()),
  onStoreError: Type.Optional(Policy),
  tiers: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$' }), Tier)),
  keyGenerator: Type.Optional(Type.Unknown()),
  redis: Type.Optional(Type.Unknown()),
  redisPrefix: Type.Optional(Type.String()),
  storeTimeout: Type.Optional(Type.Integer({ minimum: 1 })),
  maxKeys: Type.Optional(Type.Integer({ minimum: 1 })),
  addHeaders: Type.Optional(Type.Boolean()),
  ...DelayKeys
}, { additionalProperties: false })

const InputGuardSchema = Type.Object({
  body: Type.Optional(Type.Boolean()),
  query: Type.Optional(Type.Boolean()),
  repeatedQuery: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('refuse')]))
}, { additionalProperties: false })

// Each section is `false` or an object, checked on its own so errors point inside the object.
const OptionsSchema = Type.Object({
  headers: Type.Optional(Type.Unknown()),
  cors: Type.Optional(Type.Unknown()),
  rateLimit: Type.Optional(Type.Unknown()),
  inputGuard: Type.Optional(Type.Unknown())
}, { additionalProperties: false })

const ACCEPTED: Record<string, string> = {
  headers: 'false or { api?: helmet options, page?: helmet options, cacheControl?: string | false }',
  cors: 'false or { origins: (string | RegExp)[], credentials?, methods?, allowedHeaders?, exposedHeaders?, maxAge?, strict?, allowNullOrigin? }',
  rateLimit: 'false or { max?, timeWindow?, global?, onStoreError?: "open" | "closed", tiers?, keyGenerator?, redis?, redisPrefix?, storeTimeout?, maxKeys?, addHeaders?, delayAfter?, delayMs?, maxDelayMs? }',
  inputGuard: 'false or { body?: boolean, query?: boolean, repeatedQuery?: "allow" | "refuse" }',
  '(root)': '{ headers?, cors?, rateLimit?, inputGuard? }'
}

/** What a store failure or timeout does: let the request through, or answer 503. */
export type StorePolicy = 'open' | 'closed'

/** A window length: milliseconds, or a string such as `'1 minute'`, `'10 seconds'`, `'500 ms'`. */
export type TimeWindow = number | string

export interface RateLimitTier {
  /** Requests allowed per client per window. */
  max: number
  /** Length of the window. */
  timeWindow: TimeWindow
  /** Policy when the store fails or is slower than `storeTimeout`. @default the global `onStoreError`; `'closed'` for `strict` */
  onStoreError?: StorePolicy
  /** Slow down before refusing: requests per window answered at once; each one past it waits `delayMs` more, until `max` answers 429. Below `max`. @default undefined (no slow-down) */
  delayAfter?: number
  /** Milliseconds added per request past `delayAfter` (the 3rd request past it waits 3 × delayMs). @default 500 */
  delayMs?: number
  /** Longest wait of one request, in milliseconds. @default 5000 */
  maxDelayMs?: number
}

/** Refusal of operator and prototype keys in request input; see the README's "Hostile input". */
export interface InputGuardOptions {
  /** Refuse keys starting with `$`, containing `.`, or named `__proto__`, `constructor`, `prototype`, anywhere in object bodies (JSON) the schema leaves free-form. @default true */
  body?: boolean
  /** The same refusal for the query string's free-form keys. @default false */
  query?: boolean
  /** `'refuse'`: a query parameter the route's schema does not declare, sent more than once, is answered 400 instead of reaching the handler as an array. @default 'allow' */
  repeatedQuery?: 'allow' | 'refuse'
}

/** The subset of an ioredis client this package uses. */
export interface RedisClient {
  evalsha (sha: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>
  eval (script: string, numKeys: number, ...args: Array<string | number>): Promise<unknown>
}

export interface HeadersOptions {
  /** helmet options merged over the API policy (CSP `default-src 'none'`, DENY, no-referrer, HSTS...). @default {} */
  api?: HelmetOptions
  /** helmet options merged over helmet's own defaults, for routes with `config: { production: { headers: 'page' } }`. @default {} */
  page?: HelmetOptions
  /** `Cache-Control` of the API policy; `false` sends none. @default 'no-store' */
  cacheControl?: string | false
}

export interface CorsOptions {
  /** Allowed origins: `'https://app.example.com'`, `'https://*.example.com'` (subdomains only), anchored RegExp, or `'*'`. */
  origins: Array<string | RegExp>
  /** Send `Access-Control-Allow-Credentials: true`. Refused with `'*'` or a regex matching any origin. @default false */
  credentials?: boolean
  /** Methods a preflight allows. @default ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] */
  methods?: string[]
  /** Request headers a preflight allows (never reflected from the request). @default ['Content-Type', 'Authorization'] */
  allowedHeaders?: string[]
  /** Response headers the browser may read. @default [] */
  exposedHeaders?: string[]
  /** Seconds a browser may cache a preflight. @default 600 */
  maxAge?: number
  /** Answer 403 before the handler for POST/PUT/PATCH/DELETE... from an origin not allowed. @default false */
  strict?: boolean
  /** Accept the `'null'` origin (sandboxed iframes, file: pages) in `origins`. @default false */
  allowNullOrigin?: boolean
}

export interface RateLimitOptions {
  /** Requests per client per window for routes without their own `config.production.rateLimit`. @default 100 */
  max?: number
  /** Window of the global limit. @default 60000 (1 minute) */
  timeWindow?: TimeWindow
  /** Apply the global limit to every route (and 404s); `false` limits only routes that name a tier or a limit. @default true */
  global?: boolean
  /** Policy when the store fails or times out, for the global limit and tiers without their own. @default 'open' */
  onStoreError?: StorePolicy
  /** Named limits routes pick with `config: { production: { rateLimit: 'name' } }`. @default { strict: { max: 5, timeWindow: 60000, onStoreError: 'closed' } } */
  tiers?: Record<string, RateLimitTier>
  /** The client key. @default request.ip, IPv6 grouped per /64, IPv4-mapped IPv6 folded to IPv4 */
  keyGenerator?: (request: FastifyRequest) => string
  /** An ioredis client, or a redis:// URL (the plugin then owns and closes the client). @default undefined (in-memory store) */
  redis?: RedisClient | string
  /** Prefix of every Redis key. @default 'fp-rl:' */
  redisPrefix?: string
  /** Milliseconds a store call may take before `onStoreError` applies. @default 100 */
  storeTimeout?: number
  /** In-memory store: distinct keys per limit and window; past it new clients share one counter. @default 100000 */
  maxKeys?: number
  /** Send `ratelimit-*` headers on every limited response, not only on 429; clients see their budget before they hit it. @default true */
  addHeaders?: boolean
  /** Slow down the global limit before refusing: requests per window answered at once; each one past it waits `delayMs` more. Below `max`. @default undefined (no slow-down) */
  delayAfter?: number
  /** Milliseconds added per request past `delayAfter`. @default 500 */
  delayMs?: number
  /** Longest wait of one request, in milliseconds. @default 5000 */
  maxDelayMs?: number
}

export interface SecurityOptions {
  /** Security headers; `false` sends none. @default API policy on every route (none when @fastify/helmet is registered before) */
  headers?: false | HeadersOptions
  /** CORS; off until origins are given. @default false */
  cors?: false | CorsOptions
  /** Rate limiting. @default { max: 100, timeWindow: '1 minute' } (off when @fastify/rate-limit is registered before) */
  rateLimit?: false | RateLimitOptions
  /** Refusal of operator and prototype keys in bodies and queries; `false` turns it off (routes may still turn it on). @default { body: true, query: false, repeatedQuery: 'allow' } */
  inputGuard?: false | InputGuardOptions
}

export interface ResolvedTier {
  name: string
  max: number
  windowMs: number
  onStoreError: StorePolicy
  /** The slow-down before the limit, when configured. */
  delay: Delay | undefined
}

export type ResolvedInputGuard = Required<InputGuardOptions>

export interface ResolvedRateLimit {
  global: ResolvedTier
  applyGlobal: boolean
  tiers: Map<string, ResolvedTier>
  keyGenerator: ((request: FastifyRequest) => string) | undefined
  redis: RedisClient | string | undefined
  redisPrefix: string
  storeTimeout: number
  maxKeys: number
  addHeaders: boolean
}

export interface ResolvedSecurityOptions {
  headers: HeaderSets | undefined
  cors: ResolvedCors | undefined
  rateLimit: ResolvedRateLimit | undefined
  inputGuard: ResolvedInputGuard
  /** The sections the caller gave as an object (not left out, not `false`). */
  given: { headers: boolean, cors: boolean, rateLimit: boolean }
}

/** What the app's own plugins already do, so the matching section defaults to off. */
export interface LeftToOthers {
  headers: boolean
  rateLimit: boolean
}

function optionError (where: string, what: string): Error {
  return new codes.FP_ERR_SECURITY_OPTIONS(where, what)
}

function windowOf (where: string, value: TimeWindow): number {
  const ms = parseTimeWindow(value)
  if (ms === undefined) throw optionError(where, `${JSON.stringify(value)} is not a time window; accepted: milliseconds (integer >= 1) or a string like '1 minute', '10 seconds', '500 ms'`)
  return ms
}

function isRedisClient (value: unknown): value is RedisClient {
  const client = value as Partial<RedisClient> | null
  return typeof client === 'object' && client !== null && typeof client.evalsha === 'function' && typeof client.eval === 'function'
}

function resolveRateLimit (given: Static<typeof RateLimitSchema>): ResolvedRateLimit {
  if (given.keyGenerator !== undefined && typeof given.keyGenerator !== 'function') {
    throw optionError('rateLimit.keyGenerator', 'must be a function (request) => string')
  }
  if (given.redis !== undefined && typeof given.redis !== 'string' && !isRedisClient(given.redis)) {
    throw optionError('rateLimit.redis', 'must be an ioredis client or a redis:// / rediss:// URL')
  }
  if (typeof given.redis === 'string' && !/^rediss?:\/\//.test(given.redis)) {
    throw optionError('rateLimit.redis', 'must be an ioredis client or a redis:// / rediss:// URL')
  }
  const onStoreError = given.onStoreError ?? 'open'
  const max = given.max ?? 100
  const global: ResolvedTier = {
    name: 'global',
    max,
    windowMs: given.timeWindow === undefined ? 60_000 : windowOf('rateLimit.timeWindow', given.timeWindow),
    onStoreError,
    delay: resolveDelay(given, max, (key, what) => optionError(`rateLimit.${key}`, what))
  }
  const tiers = new Map<string, ResolvedTier>()
  tiers.set('strict', { name: 'strict', max: 5, windowMs: 60_000, onStoreError: 'closed', delay: undefined })
  for (const [name, tier] of Object.entries(given.tiers ?? {})) {
    if (name === 'global') throw optionError('rateLimit.tiers.global', 'is reserved; set rateLimit.max and rateLimit.timeWindow instead')
    tiers.set(name, {
      name,
      max: tier.max,
      windowMs: windowOf(`rateLimit.tiers.${name}.timeWindow`, tier.timeWindow),
      onStoreError: tier.onStoreError ?? (name === 'strict' ? 'closed' : onStoreError),
      delay: resolveDelay(tier, tier.max, (key, what) => optionError(`rateLimit.tiers.${name}.${key}`, what))
    })
  }
  return {
    global,
    applyGlobal: given.global ?? true,
    tiers,
    keyGenerator: given.keyGenerator as ResolvedRateLimit['keyGenerator'],
    redis: given.redis as ResolvedRateLimit['redis'],
    redisPrefix: given.redisPrefix ?? 'fp-rl:',
    storeTimeout: given.storeTimeout ?? 100,
    maxKeys: given.maxKeys ?? 100_000,
    addHeaders: given.addHeaders ?? true
  }
}

function check<T> (schema: TSchema, value: unknown, section: string): T {
  const bad = firstViolation(schema, value)
  if (bad !== undefined) {
    const [inner, rule] = bad
    const where = section === '(root)' ? inner : inner === '(root)' ? section : `${section}.${inner}`
    throw optionError(where, `${rule}; accepted: ${ACCEPTED[section] as string}`)
  }
  return value as T
}

function section<T> (schema: TSchema, value: unknown, name: string): T | false | undefined {
  if (value === false || value === undefined) return value
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw optionError(name, `must be false or an object; accepted: ${ACCEPTED[name] as string}`)
  }
  return check<T>(schema, value, name)
}

const GUARD_OFF: ResolvedInputGuard = { body: false, query: false, repeatedQuery: 'allow' }

function resolveInputGuard (given: InputGuardOptions | false | undefined): ResolvedInputGuard {
  if (given === false) return GUARD_OFF
  return { body: given?.body ?? true, query: given?.query ?? false, repeatedQuery: given?.repeatedQuery ?? 'allow' }
}

/** Validates the options; a section left out defaults to off when `leftToOthers` says the app's plugin does it. */
export function resolveOptions (options: unknown, leftToOthers: LeftToOthers = { headers: false, rateLimit: false }): ResolvedSecurityOptions {
  const opts = check<{ headers?: unknown, cors?: unknown, rateLimit?: unknown, inputGuard?: unknown }>(OptionsSchema, options, '(root)')
  const headers = section<Static<typeof HeadersSchema>>(HeadersSchema, opts.headers, 'headers')
  const cors = section<Static<typeof CorsSchema>>(CorsSchema, opts.cors, 'cors')
  const rateLimit = section<Static<typeof RateLimitSchema>>(RateLimitSchema, opts.rateLimit, 'rateLimit')
  const inputGuard = section<InputGuardOptions>(InputGuardSchema, opts.inputGuard, 'inputGuard')
  return {
    headers: headers === false || (headers === undefined && leftToOthers.headers) ? undefined : buildHeaderSets(headers ?? {}),
    cors: cors === false || cors === undefined ? undefined : compileCors(cors as CorsOptions),
    rateLimit: rateLimit === false || (rateLimit === undefined && leftToOthers.rateLimit) ? undefined : resolveRateLimit(rateLimit ?? {}),
    inputGuard: resolveInputGuard(inputGuard),
    given: { headers: typeof headers === 'object', cors: typeof cors === 'object', rateLimit: typeof rateLimit === 'object' }
  }
}
