import type { FastifyInstance } from 'fastify'

/**
 * The `trustProxy` the app was constructed with. Fastify exposes no accessor (it is not in
 * `initialConfig`), so read the constructor options Fastify keeps under its `fastify.options`
 * symbol; a test pins this against the installed Fastify, so a change there fails loudly.
 */
export function readTrustProxy (fastify: FastifyInstance): unknown {
  for (let o: object | null = fastify; o !== null; o = Object.getPrototypeOf(o)) {
    for (const symbol of Object.getOwnPropertySymbols(o)) {
      if (symbol.description === 'fastify.options') {
        return ((o as Record<symbol, { trustProxy?: unknown } | undefined>)[symbol])?.trustProxy
      }
    }
  }
  return undefined
}
