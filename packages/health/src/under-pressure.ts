import type { FastifyInstance } from 'fastify'

/**
 * Whether the app registered @fastify/under-pressure in this context. By name, and by its two
 * decorators too: an app that wraps it again (`fp(underPressure, { dependencies })`, as
 * fastify/demo does) replaces its plugin metadata, name included, for every app in the process.
 */
export function underPressureRegistered (fastify: FastifyInstance): boolean {
  return fastify.hasPlugin('@fastify/under-pressure') ||
    (fastify.hasDecorator('isUnderPressure') && fastify.hasDecorator('memoryUsage'))
}
