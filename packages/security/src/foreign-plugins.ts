import type { FastifyInstance } from 'fastify'
import { codes } from './errors.js'
import type { ResolvedSecurityOptions } from './options.js'

/** The plugins an existing app commonly runs for what this package does, by their fastify-plugin names. */
export const HELMET = '@fastify/helmet'
export const CORS = '@fastify/cors'
export const RATE_LIMIT = '@fastify/rate-limit'

/** Which of them this context has (registered before us, or by the time onReady runs). */
export interface Foreign {
  helmet: boolean
  cors: boolean
  rateLimit: boolean
}

export function foreignPlugins (fastify: FastifyInstance): Foreign {
  return { helmet: fastify.hasPlugin(HELMET), cors: fastify.hasPlugin(CORS), rateLimit: fastify.hasPlugin(RATE_LIMIT) }
}

const OFF = {
  headers: 'headers: false (security: { headers: false } in fastify-production)',
  cors: 'cors: false (security: { cors: false } in fastify-production)',
  rateLimit: 'rateLimit: false (security: { rateLimit: false } in fastify-production)'
}

/**
 * Refuses what would double up with a plugin the app registered before this one: a section the
 * caller configured explicitly next to the app's plugin for the same job.
 */
export function refuseExplicitConflicts (foreign: Foreign, given: ResolvedSecurityOptions['given']): void {
  if (foreign.helmet && given.headers) {
    throw new codes.FP_ERR_SECURITY_HELMET_CONFLICT('@fastify/helmet is registered and the headers option is given',
      'drop @fastify/helmet and keep the headers option, or remove the headers option to leave the headers to @fastify/helmet')
  }
  if (foreign.cors && given.cors) {
    throw new codes.FP_ERR_SECURITY_CORS_CONFLICT('@fastify/cors is registered and the cors option is given',
      'drop @fastify/cors and keep the cors option, or remove the cors option to leave CORS to @fastify/cors')
  }
  if (foreign.rateLimit && given.rateLimit) {
    throw new codes.FP_ERR_SECURITY_RATE_LIMIT_CONFLICT('@fastify/rate-limit is registered and the rateLimit option is given',
      'drop @fastify/rate-limit and keep the rateLimit option, or remove the rateLimit option to leave rate limiting to @fastify/rate-limit')
  }
}

/** Refuses, at onReady, a plugin the app registered after this one for a job this one does. */
export function refuseLateConflicts (foreign: Foreign, on: { headers: boolean, cors: boolean, rateLimit: boolean }): void {
  if (foreign.helmet && on.headers) {
    throw new codes.FP_ERR_SECURITY_HELMET_CONFLICT('@fastify/helmet was registered after the suite',
      `register @fastify/helmet before the suite (the suite then leaves the headers to it), drop it, or pass ${OFF.headers}`)
  }
  if (foreign.cors && on.cors) {
    throw new codes.FP_ERR_SECURITY_CORS_CONFLICT('@fastify/cors was registered after the suite while the cors option is given',
      `drop @fastify/cors and keep the cors option, or remove the cors option (or pass ${OFF.cors}) to leave CORS to @fastify/cors`)
  }
  if (foreign.rateLimit && on.rateLimit) {
    throw new codes.FP_ERR_SECURITY_RATE_LIMIT_CONFLICT('@fastify/rate-limit was registered after the suite',
      `register @fastify/rate-limit before the suite (the suite then leaves rate limiting to it), drop it, or pass ${OFF.rateLimit}`)
  }
}

/** The one line said at ready about what was left to the app's plugins, or undefined. */
export function leftToOthersLine (foreign: Foreign): string | undefined {
  const left: string[] = []
  if (foreign.helmet) left.push('security headers to @fastify/helmet')
  if (foreign.cors) left.push('CORS to @fastify/cors')
  if (foreign.rateLimit) left.push('rate limiting to @fastify/rate-limit')
  if (left.length === 0) return undefined
  return `@fastify-production/security: left ${left.join(', ')}, registered before the suite, with their configuration unchanged; to use the suite's instead, remove ${left.length === 1 ? 'it' : 'them'}`
}
