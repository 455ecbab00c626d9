import type { FastifyInstance } from 'fastify'
import { inspect } from 'node:util'
import { codes } from './errors.js'

/** Builds the app and checks it is one (listen and close are what this package calls; ready tells Fastify from look-alikes). */
export async function buildApp (build: () => FastifyInstance | PromiseLike<FastifyInstance>): Promise<FastifyInstance> {
  const app: unknown = await build()
  const candidate = app as Partial<Record<'listen' | 'close' | 'ready', unknown>> | null
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.listen !== 'function' ||
      typeof candidate.close !== 'function' || typeof candidate.ready !== 'function') {
    throw new codes.FP_ERR_CLUSTER_BUILD(inspect(app, { depth: 0, breakLength: Infinity }).slice(0, 80))
  }
  return app as FastifyInstance
}
