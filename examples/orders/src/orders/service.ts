import { BadRequestError, NotFoundError, type CallOptions } from 'fastify-production'
import type { OrderRepository } from './repository.js'
import type { NewOrder, Order, OrderPage } from './schemas.js'

// Cursors are opaque to clients: a base64url position, so the storage order can change without breaking them.
function encodeCursor (position: number): string {
  return Buffer.from(`o:${position}`).toString('base64url')
}

function decodeCursor (cursor: string): number {
  const match = /^o:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString())
  if (match === null) throw new BadRequestError('The cursor is not one this service gave out.', { code: 'INVALID_CURSOR' })
  return Number(match[1])
}

export function orderService (repository: OrderRepository, onCreated: () => void) {
  return {
    async create (input: NewOrder, call?: CallOptions): Promise<Order> {
      const order = await repository.create(input, call)
      onCreated()
      return order
    },

    async get (id: string, call?: CallOptions): Promise<Order> {
      const order = await repository.get(id, call)
      if (order === undefined) throw new NotFoundError(`Order ${id} not found.`, { code: 'ORDER_NOT_FOUND' })
      return order
    },

    async list (limit: number, cursor: string | undefined, call?: CallOptions): Promise<OrderPage> {
      const page = await repository.list(limit, cursor === undefined ? undefined : decodeCursor(cursor), call)
      return { items: page.items, nextCursor: page.more && page.last !== undefined ? encodeCursor(page.last) : null }
    },

    async remove (id: string, call?: CallOptions): Promise<void> {
      if (!await repository.remove(id, call)) throw new NotFoundError(`Order ${id} not found.`, { code: 'ORDER_NOT_FOUND' })
    }
  }
}

export type OrderService = ReturnType<typeof orderService>
