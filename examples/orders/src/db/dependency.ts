import { pgDependency, type PgDependency } from 'fastify-production'
import type { FastifyBaseLogger } from 'fastify'
import { createPool, QUERY_TIMEOUT } from './pool.js'
import { migrate } from '../orders/repository.js'

/**
 * The bound of every request that touches the database: a call gets QUERY_TIMEOUT per attempt and
 * DB_DEADLINE in all (reads are retried within it); past it, or with the breaker open, the client gets
 * 503 problem+json with Retry-After.
 */
export const DB_DEADLINE = 5_000

/**
 * PostgreSQL as a dependency: at start, `select 1` then the migration, retried with backoff (the app
 * listens meanwhile, its startup probe answering 503); queries under the timeout, retry and breaker
 * policy; the pool ended at shutdown, after the in-flight requests.
 */
export function postgresDependency (url: string, log: FastifyBaseLogger): PgDependency {
  const pool = createPool(url, log)
  return pgDependency(pool, {
    timeout: QUERY_TIMEOUT,
    deadline: DB_DEADLINE,
    connect: async () => {
      await pool.query('select 1')
      await migrate(pool)
    }
  })
}
