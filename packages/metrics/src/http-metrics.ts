import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import { productionConfig } from '@fastify-production/core'
import { RequestHistogram, RouteRecorder, UNMATCHED_ROUTE } from './request-histogram.js'

type OnResponse = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

function append<T> (existing: T | T[] | undefined, hook: T): T[] {
  // Always a new array: Fastify shares the caller's hook arrays with the HEAD route it derives from a GET.
  if (existing === undefined) return [hook]
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook]
}

function recordingHook (recorder: RouteRecorder): OnResponse {
  return function recordRequest (request, reply, done) {
    recorder.record(request.raw.method as string, reply.statusCode, reply.elapsedTime / 1000)
    done()
  }
}

/**
 * Records the request duration histogram and the in-flight count. Each route gets its own onResponse
 * hook carrying its precomputed recorder (found at `onRoute`), so no per-request lookup of the route.
 * Unmatched URLs have no route: one app-level onResponse hook records them under one fixed label.
 */
export function installHttpMetrics (fastify: FastifyInstance, histogram: RequestHistogram): { inFlight: () => number } {
  let inFlight = 0
  // 'close' fires exactly once per response, finished or aborted; onResponse never fires for an aborted one.
  function requestEnded (): void { inFlight-- }

  fastify.addHook('onRoute', function addRecorder (route: RouteOptions) {
    if (productionConfig(route.config)?.metrics === false) return
    route.onResponse = append(route.onResponse, recordingHook(new RouteRecorder(histogram, route.url)))
  })

  fastify.addHook('onRequest', function countInFlight (request, reply, done) {
    inFlight++
    reply.raw.on('close', requestEnded)
    done()
  })

  const unmatched = new RouteRecorder(histogram, UNMATCHED_ROUTE)
  fastify.addHook('onResponse', function recordUnmatched (request, reply, done) {
    if (request.is404) unmatched.record(request.raw.method as string, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })

  return { inFlight: () => inFlight }
}
