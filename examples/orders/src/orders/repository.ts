import { randomUUID } from 'node:crypto'
import type { Pool } from 'pg'
import type { CallOptions, PgDependency } from 'fastify-production'
import type { NewOrder, Order } from './schemas.js'

/**
 * A page of orders in creation order; `after` is the position of the last order already seen.
 * `call` carries the request, so a client that goes away cancels its queries.
 */
export interface OrderRepository {
  create: (order: NewOrder, call?: CallOptions) => Promise<Order>
  get: (id: string, call?: CallOptions) => Promise<Order | undefined>
  list: (limit: number, after: number | undefined, call?: CallOptions) => Promise<{ items: Order[], last: number | undefined, more: boolean }>
  remove: (id: string, call?: CallOptions) => Promise<boolean>
}

export function memoryRepository (): OrderRepository {
  const rows: Array<Order & { seq: number }> = []
  let seq = 0
  const strip = ({ seq: _seq, ...order }: Order & { seq: number }): Order => order
  return {
    async create (input) {
      const row = { seq: ++seq, id: randomUUID(), item: input.item, quantity: input.quantity, createdAt: new Date().toISOString() }
      rows.push(row)
      return strip(row)
    },
    async get (id) {
      const row = rows.find((r) => r.id === id)
      return row === undefined ? undefined : strip(row)
    },
    async list (limit, after) {
      const page = rows.filter((r) => after === undefined || r.seq > after).slice(0, limit + 1)
      const more = page.length > limit
      const items = page.slice(0, limit)
      return { items: items.map(strip), last: items.at(-1)?.seq, more }
    },
    async remove (id) {
      const index = rows.findIndex((r) => r.id === id)
      if (index === -1) return false
      rows.splice(index, 1)
      return true
    }
  }
}

const MIGRATION = `
create table if not exists orders (
  seq bigserial primary key,
  id text not null unique,
  item text not null,
  quantity integer not null check (quantity between 1 and 1000),
  created_at timestamptz not null default now()
)`

interface OrderRow { seq: string, id: string, item: string, quantity: number, created_at: Date }

const toOrder = (row: OrderRow): Order => ({ id: row.id, item: row.item, quantity: row.quantity, createdAt: row.created_at.toISOString() })

/** Runs the schema migration; idempotent, so every instance may run it at start. */
export async function migrate (pool: Pool): Promise<void> {
  await pool.query(MIGRATION)
}

/**
 * Every query runs under the database's policy (timeouts, retries, breaker): reads and deletes are
 * idempotent, so a failed attempt is retried within the deadline; an insert is not (it may have run).
 */
export function postgresRepository (db: PgDependency): OrderRepository {
  return {
    async create (input, call) {
      const { rows } = await db.query<OrderRow>(
        'insert into orders (id, item, quantity) values ($1, $2, $3) returning seq, id, item, quantity, created_at',
        [randomUUID(), input.item, input.quantity],
        call
      )
      return toOrder(rows[0] as OrderRow)
    },
    async get (id, call) {
      const { rows } = await db.query<OrderRow>('select seq, id, item, quantity, created_at from orders where id = $1', [id], { ...call, idempotent: true })
      return rows[0] === undefined ? undefined : toOrder(rows[0])
    },
    async list (limit, after, call) {
      const { rows } = await db.query<OrderRow>(
        'select seq, id, item, quantity, created_at from orders where seq > $1 order by seq limit $2',
        [after ?? 0, limit + 1],
        { ...call, idempotent: true }
      )
      const more = rows.length > limit
      const items = rows.slice(0, limit)
      const lastRow = items.at(-1)
      return { items: items.map(toOrder), last: lastRow === undefined ? undefined : Number(lastRow.seq), more }
    },
    async remove (id, call) {
      const { rowCount } = await db.query('delete from orders where id = $1', [id], { ...call, idempotent: true })
      return rowCount === 1
    }
  }
}
