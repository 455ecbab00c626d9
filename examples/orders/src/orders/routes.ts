import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemDetails } from 'fastify-production'
import { Type } from 'typebox'
import { ListQuery, NewOrder, Order, OrderPage, OrderParams } from './schemas.js'
import type { OrderService } from './service.js'

export const orderRoutes: FastifyPluginAsyncTypebox<{ service: OrderService }> = async function orderRoutes (fastify, { service }) {
  fastify.post('/orders', {
    schema: { body: NewOrder, response: { 201: Order, 400: ProblemDetails, 503: ProblemDetails } }
  }, async (request, reply) => {
    const order = await service.create(request.body, { request })
    return reply.code(201).header('location', `/orders/${order.id}`).send(order)
  })

  fastify.get('/orders/:id', {
    schema: { params: OrderParams, response: { 200: Order, 404: ProblemDetails, 503: ProblemDetails } }
  }, async (request) => service.get(request.params.id, { request }))

  fastify.get('/orders', {
    schema: { querystring: ListQuery, response: { 200: OrderPage, 400: ProblemDetails, 503: ProblemDetails } }
  }, async (request) => service.list(request.query.limit, request.query.cursor, { request }))

  fastify.delete('/orders/:id', {
    schema: { params: OrderParams, response: { 204: Type.Null(), 404: ProblemDetails, 503: ProblemDetails } }
  }, async (request, reply) => {
    await service.remove(request.params.id, { request })
    return reply.code(204).send(null)
  })
}
