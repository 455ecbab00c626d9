import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ProblemDetails, clientGone } from 'fastify-production'

/** The worker module: `.ts` when the app runs from source (tests), `.js` once built. */
/* c8 ignore next -- tap runs the source; the built `.js` branch runs in the deploy tree CI replays */
export const hashWorker = new URL(import.meta.url.endsWith('.ts') ? './hash-worker.ts' : './hash-worker.js', import.meta.url)

const HashRequest = Type.Object({ password: Type.String({ minLength: 12, maxLength: 256 }) }, { additionalProperties: false })
const HashResponse = Type.Object({ hash: Type.String() })

/**
 * The CPU-heavy route: a scrypt hash, as a sign-up stores it, computed on a worker thread. The event
 * loop keeps answering (probes included) while hashes run; past the pool's bound the answer is a
 * fast 503 + Retry-After instead of a growing backlog, and a client that hangs up cancels its hash.
 */
export const passwordRoutes: FastifyPluginAsyncTypebox = async function passwordRoutes (fastify) {
  fastify.post('/passwords/hash', {
    schema: { body: HashRequest, response: { 200: HashResponse, 503: ProblemDetails } }
  }, async (request, reply) => ({
    hash: await fastify.runTask<string>('hashPassword', request.body.password, { signal: clientGone(reply) })
  }))
}
