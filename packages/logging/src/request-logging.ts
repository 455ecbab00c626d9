import type { FastifyInstance } from 'fastify'

interface LogControllerLike {
  disableRequestLogging?: unknown
}

/**
 * The app's LogController (Fastify >= 5.12). Fastify has no accessor for it: it is kept under a
 * symbol of the instance, found here by its description (a test pins it against the installed Fastify).
 */
export function logControllerOf (fastify: FastifyInstance): LogControllerLike | undefined {
  for (let o: object | null = fastify; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    for (const symbol of Object.getOwnPropertySymbols(o)) {
      if (symbol.description === 'fastify.logController') return (o as Record<symbol, LogControllerLike | undefined>)[symbol]
    }
  }
  return undefined
}

/**
 * Whether Fastify writes its own per-request lines ("incoming request", "request completed"):
 * `logger: true` without requestIdOptions(). `ours` is the LogController requestIdOptions() made,
 * which writes none. A `disableRequestLogging` function turns them off for some requests only:
 * Fastify still logs the others, so it counts as on.
 */
export function fastifyLogsRequests (fastify: FastifyInstance, ours: object | undefined): boolean {
  const controller = logControllerOf(fastify)
  // Fastify before 5.12: the top-level option is all there is.
  if (controller === undefined) return fastify.initialConfig.disableRequestLogging !== true
  return controller !== ours && controller.disableRequestLogging !== true
}
