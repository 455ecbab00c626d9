import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, ProblemDetails, type HttpDependency } from 'fastify-production'
import { Type } from 'typebox'

export const ShippingQuote = Type.Object({
  quantity: Type.Integer({ minimum: 1 }),
  price: Type.Number({ minimum: 0 }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' })
})

const QuoteQuery = Type.Object({ quantity: Type.Integer({ minimum: 1, maximum: 1000 }) })

/**
 * GET /shipping/quote?quantity=n: asks the shipping API (SHIPPING_URL) through its dependency policy.
 * A hung or failing upstream answers 503 problem+json with Retry-After within the policy's deadline;
 * an upstream answer that is not a quote is a 502.
 */
export const shippingRoutes: FastifyPluginAsyncTypebox<{ shipping: HttpDependency }> = async function shippingRoutes (fastify, { shipping }) {
  fastify.get('/shipping/quote', {
    schema: { querystring: QuoteQuery, response: { 200: ShippingQuote, 400: ProblemDetails, 502: ProblemDetails, 503: ProblemDetails } }
  }, async (request) => {
    const { quantity } = request.query
    const res = await shipping.request<{ price?: unknown, currency?: unknown }>(`/quote?quantity=${quantity}`, { request })
    const { price, currency } = res.body ?? {}
    if (res.status !== 200 || typeof price !== 'number' || typeof currency !== 'string') {
      throw new AppError(502, 'The shipping service gave no quote.', { code: 'SHIPPING_QUOTE_UNAVAILABLE', expose: true })
    }
    return { quantity, price, currency }
  })
}
