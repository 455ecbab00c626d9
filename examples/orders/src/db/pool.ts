import pg from 'pg'
import type { FastifyBaseLogger } from 'fastify'

/** Client-side bound of one query and of a connection wait, in ms: the policy's per-attempt timeout. */
export const QUERY_TIMEOUT = 2_000

/** A small pool: keep instances × max below the database's max_connections. */
export function createPool (connectionString: string, log: FastifyBaseLogger, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Bound every wait on the client side: a frozen database cannot enforce statement_timeout, so
    // query_timeout ends the query (and drops its connection) and connectionTimeoutMillis the connect.
    connectionTimeoutMillis: QUERY_TIMEOUT,
    query_timeout: QUERY_TIMEOUT,
    idleTimeoutMillis: 30_000,
    statement_timeout: 5_000
  })
  // An idle client losing its connection (database restart, failover) emits 'error' on the pool;
  // without a listener that is an uncaught exception. The pool replaces the client on next use.
  pool.on('error', (err) => { log.warn({ err }, 'idle database connection lost') })
  return pool
}
