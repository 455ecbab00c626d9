import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ProblemDetails } from 'fastify-production'
import { Credentials, Session } from './schemas.js'
import type { AuthService } from './service.js'

export const authRoutes: FastifyPluginAsyncTypebox<{ service: AuthService }> = async function authRoutes (fastify, { service }) {
  fastify.post('/auth/login', {
    // 5 attempts a minute per client, and fail closed if a shared store is down: guessing passwords stays slow.
    config: { production: { rateLimit: 'strict' } },
    schema: { body: Credentials, response: { 200: Session, 401: ProblemDetails } }
  }, async (request) => service.login(request.body))
}
