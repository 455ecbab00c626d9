import { Type, type Static } from 'typebox'

export const Order = Type.Object({
  id: Type.String(),
  item: Type.String(),
  quantity: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' })
}, { $id: 'Order', additionalProperties: false })
export type Order = Static<typeof Order>

export const NewOrder = Type.Object({
  item: Type.String({ minLength: 1, maxLength: 100 }),
  quantity: Type.Integer({ minimum: 1, maximum: 1000 })
}, { additionalProperties: false })
export type NewOrder = Static<typeof NewOrder>

export const OrderParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 })
})

export const ListQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }))
})

export const OrderPage = Type.Object({
  items: Type.Array(Order),
  nextCursor: Type.Union([Type.String(), Type.Null()])
})
export type OrderPage = Static<typeof OrderPage>
