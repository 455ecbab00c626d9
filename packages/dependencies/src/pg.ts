import type { FastifyBaseLogger } from 'fastify'
import type { QueryResult, QueryResultRow } from 'pg'
import { Dependency, type CallOptions } from './dependency.js'
import type { DependencyDefinition, ErrorKind } from './options.js'

/** What the adapter needs of a `pg.Pool` (or anything with the same methods). */
export interface PgPoolLike {
  query: (text: string, values?: unknown[]) => Promise<QueryResult<any>>
  end: () => Promise<void>
  options?: { query_timeout?: number, connectionTimeoutMillis?: number }
  on: (event: 'error', listener: (err: Error) => void) => unknown
  listenerCount: (event: 'error') => number
}

const REFUSED_STATES = new Set(['08001', '08004', '53300', '57P03'])
const REFUSED_NODE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])
const REFUSED_MESSAGES = ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout', 'Cannot use a pool after calling end']

/**
 * PostgreSQL errors by kind: could not connect (SQLSTATE 08001/08004, too many connections, starting
 * up, refused, pool wait timeout) is `refused`; a lost connection, a client-side or server-side query
 * timeout, an admin shutdown or any other class 08/53/57/58/XX state is `failed`; every other SQLSTATE
 * (constraint, syntax, serialization) is an `answer` for the app to handle.
 */
export function classifyPgError (error: unknown): ErrorKind {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string') {
    if (REFUSED_STATES.has(code) || REFUSED_NODE.has(code)) return 'refused'
    if (/^[0-9A-Z]{5}$/.test(code)) return /^(08|53|57|58|XX)/.test(code) ? 'failed' : 'answer'
    return 'failed'
  }
  const message = error instanceof Error ? error.message : ''
  return REFUSED_MESSAGES.some((m) => message.includes(m)) ? 'refused' : 'failed'
}

/** A PostgreSQL pool as a dependency: `query()` runs through the policy. */
export class PgDependency<P extends PgPoolLike = PgPoolLike> extends Dependency {
  readonly pool: P

  constructor (pool: P, definition: DependencyDefinition = {}) {
    super({
      connect: () => pool.query('SELECT 1'),
      check: () => pool.query('SELECT 1'),
      close: () => pool.end(),
      classify: classifyPgError,
      ...definition
    }, 'pgDependency')
    this.pool = pool
    const options = pool.options
    if (options !== undefined && (options.query_timeout === undefined || options.connectionTimeoutMillis === undefined)) {
      this.advice.push('the pool has no client-side query_timeout or connectionTimeoutMillis: a frozen database holds its connections until the OS gives up; ' +
        `create it with { query_timeout: ${this.options.timeout}, connectionTimeoutMillis: ${this.options.timeout} }`)
    }
  }

  protected override attached (log: FastifyBaseLogger): void {
    // An idle client losing its connection emits 'error' on the pool: unheard, that is an uncaught exception.
    if (this.pool.listenerCount('error') > 0) return
    this.pool.on('error', (err) => { log.warn({ dependency: this.name, err }, `dependency ${String(this.name)}: idle connection lost; the pool replaces it`) })
  }

  /** `pool.query(text, values)` under the policy; pass `{ request }` and, for reads, `{ idempotent: true }`. */
  query<R extends QueryResultRow = any>(text: string, values?: unknown[], options?: CallOptions): Promise<QueryResult<R>> {
    return this.call(() => this.pool.query(text, values) as Promise<QueryResult<R>>, options)
  }
}

/**
 * A `pg.Pool` as a dependency: connect and check with `SELECT 1`, close with `pool.end()`, errors
 * classified by `classifyPgError`. Give the pool `query_timeout` and `connectionTimeoutMillis`
 * (the server's `statement_timeout` cannot act while it is frozen).
 */
export function pgDependency<P extends PgPoolLike> (pool: P, definition: DependencyDefinition = {}): PgDependency<P> {
  return new PgDependency(pool, definition)
}
