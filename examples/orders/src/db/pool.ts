import pg from 'pg'
import type { FastifyBaseLogger } from 'fastify'

/** A small pool: keep instances × max below the database's max_connections. */
export function createPool (connectionString: string, log: FastifyBaseLogger, max = 10): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Bound every wait: a dead database must fail requests fast, not pile them up.
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 5_000
  })
  // An idle client losing its connection (database restart, failover) emits 'error' on the pool;
  // without a listener that is an uncaught exception. The pool replaces the client on next use.
  pool.on('error', (err) => { log.warn({ err }, 'idle database connection lost') })
  return pool
}
