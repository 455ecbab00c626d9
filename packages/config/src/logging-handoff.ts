import type { FastifyInstance } from 'fastify'
import { find, LoggingCap } from '@fastify-production/core'

/** Hands the secret names to @fastify-production/logging; false when it is not registered (yet). */
export function handSecretsToLogging (fastify: FastifyInstance, secrets: string[]): boolean {
  const logging = find(fastify, LoggingCap)
  if (logging === undefined) return false
  logging.redactKeys(secrets)
  return true
}
