import type { FastifyInstance } from 'fastify'

// The logging package's public contract, read structurally: packages never import each other.
interface LoggingDecorator {
  redactKeys?: unknown
}

/** Gives `fastify.logging.redactKeys` the secret names; false when logging is not registered (yet). */
export function handSecretsToLogging (fastify: FastifyInstance, secrets: string[]): boolean {
  if (!fastify.hasDecorator('logging')) return false
  const logging = (fastify as unknown as { logging?: LoggingDecorator }).logging
  if (typeof logging?.redactKeys === 'function') (logging.redactKeys as (keys: string[]) => void)(secrets)
  return true
}
