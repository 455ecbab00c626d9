import { Dependency, type CallOptions } from './dependency.js'
import type { DependencyDefinition, ErrorKind } from './options.js'

/** A 5xx, 429 or 408 answer of an upstream: thrown so the policy can retry it and the breaker count it. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError'
  /** From the upstream's `Retry-After` (seconds or a date), in ms. */
  readonly retryAfterMs: number | undefined

  constructor (readonly status: number, retryAfter: string | null) {
    super(`upstream answered ${status}`)
    this.retryAfterMs = parseRetryAfter(retryAfter)
  }
}

function parseRetryAfter (value: string | null): number | undefined {
  if (value === null) return undefined
  if (/^\d{1,9}$/.test(value.trim())) return Number(value) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

const REFUSED_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT'])

/**
 * HTTP errors by kind: 503 and 429 (the upstream declined the work) and a connection that could not be
 * made are `refused`; other 5xx, 408, resets and body timeouts are `failed`.
 */
export function classifyHttpError (error: unknown): ErrorKind {
  if (error instanceof HttpStatusError) return error.status === 503 || error.status === 429 ? 'refused' : 'failed'
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause
  const code = cause?.code ?? (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && REFUSED_CODES.has(code) ? 'refused' : 'failed'
}

/** The answer of `request()`: its body read within the attempt (JSON when the upstream says so, else text). */
export interface HttpResponse<T = unknown> {
  status: number
  headers: Headers
  body: T
}

export interface HttpRequestOptions extends CallOptions {
  /** @default 'GET' */
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
}

export interface HttpDependencyOptions extends DependencyDefinition {
  /** Base URL of the upstream, e.g. `http://shipping:8080`. */
  url: string
  /** The fetch to use: the global one, or undici's `fetch` with its `dispatcher`. @default globalThis.fetch */
  fetch?: typeof fetch
  /** An undici dispatcher (`new Agent({ headersTimeout, bodyTimeout, connectTimeout })`) passed to `fetch`; closed with the app. @default undefined */
  dispatcher?: { close: () => Promise<void> }
  /** A path whose GET answers below 500 when the upstream is healthy: the readiness check. @default undefined (breaker state only) */
  healthPath?: string
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

/** An upstream HTTP API as a dependency. */
export class HttpDependency extends Dependency {
  readonly url: URL
  readonly #fetch: typeof fetch
  readonly #dispatcher: HttpDependencyOptions['dispatcher']

  constructor ({ url, fetch: fetchFn, dispatcher, healthPath, ...definition }: HttpDependencyOptions) {
    const base = new URL(url)
    const run = fetchFn ?? globalThis.fetch
    super({
      ...(healthPath === undefined
        ? {}
        : {
            check: async (signal: AbortSignal) => {
              const res = await run(new URL(healthPath, base), { signal, ...(dispatcher === undefined ? {} : { dispatcher }) } as RequestInit)
              await res.arrayBuffer()
              return res.status < 500
            }
          }),
      ...(dispatcher === undefined ? {} : { close: () => dispatcher.close() }),
      classify: classifyHttpError,
      ...definition
    }, 'httpDependency')
    this.url = base
    this.#fetch = run
    this.#dispatcher = dispatcher
  }

  /**
   * One request under the policy. GET, HEAD, OPTIONS, PUT and DELETE are idempotent (retried), others
   * only when `idempotent: true` or refused. 5xx, 429 and 408 throw `HttpStatusError` into the
   * policy; other statuses (4xx included) are returned.
   */
  request<T = unknown>(path: string, options: HttpRequestOptions = {}): Promise<HttpResponse<T>> {
    const method = (options.method ?? 'GET').toUpperCase()
    const target = new URL(path, this.url)
    const call: CallOptions = { ...options, idempotent: options.idempotent ?? IDEMPOTENT.has(method) }
    return this.call(async (signal) => {
      const init: Record<string, unknown> = { method, signal }
      if (options.headers !== undefined) init.headers = options.headers
      if (options.body !== undefined) init.body = options.body
      if (this.#dispatcher !== undefined) init.dispatcher = this.#dispatcher
      const res = await this.#fetch(target, init as RequestInit)
      if (res.status >= 500 || res.status === 429 || res.status === 408) {
        await res.arrayBuffer()
        throw new HttpStatusError(res.status, res.headers.get('retry-after'))
      }
      const type = res.headers.get('content-type') ?? ''
      const body = /\bjson\b/.test(type) ? await res.json() : await res.text()
      return { status: res.status, headers: res.headers, body: body as T }
    }, call)
  }
}

/**
 * An upstream HTTP API as a dependency: `request(path, options)` with the signal passed to fetch, the
 * body read within the attempt's timeout, `Retry-After` honoured. Readiness calls `healthPath` if given.
 */
export function httpDependency (options: HttpDependencyOptions): HttpDependency {
  return new HttpDependency(options)
}
