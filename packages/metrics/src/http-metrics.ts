import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify'
import { productionConfig, resetByClient } from '@fastify-production/core'
import { RequestHistogram, RouteRecorder, UNMATCHED_ROUTE } from './request-histogram.js'

/**
 * `status_code` of a request whose response closed before it finished: the client went away (or the
 * connection broke) before or while the answer was written. nginx's "client closed request" code;
 * no HTTP status, so it cannot be mistaken for an answer the app gave.
 */
export const ABORTED_STATUS = 499

type OnResponse = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void

// On the route's config (Fastify copies it into the route's context): what the route records into.
const kRecorder = Symbol('fastify-production.metrics.recorder')
// On the raw response: the reply still to be recorded, null once it was (by onResponse or at the close).
const kPending = Symbol('fastify-production.metrics.pending')

type RawResponse = FastifyReply['raw'] & { [kPending]?: FastifyReply | null }

function append<T> (existing: T | T[] | undefined, hook: T): T[] {
  // Always a new array: Fastify shares the caller's hook arrays with the HEAD route it derives from a GET.
  if (existing === undefined) return [hook]
  return Array.isArray(existing) ? [...existing, hook] : [existing, hook]
}

function statusOf (request: FastifyRequest, reply: FastifyReply): number {
  return resetByClient(request.raw) ? ABORTED_STATUS : reply.statusCode
}

/** Whether this response is still to be recorded, marking it recorded. */
function claim (reply: FastifyReply): boolean {
  const res = reply.raw as RawResponse
  if (res[kPending] === null) return false
  res[kPending] = null
  return true
}

function recordingHook (recorder: RouteRecorder): OnResponse {
  return function recordRequest (request, reply, done) {
    if (claim(reply)) recorder.record(request.raw.method as string, statusOf(request, reply), reply.elapsedTime / 1000)
    done()
  }
}

/**
 * Records the request duration histogram and the in-flight count. Each route gets its own onResponse
 * hook carrying its precomputed recorder (found at `onRoute`), so no per-request lookup of the route.
 * Unmatched URLs have no route: one app-level onResponse hook records them under one fixed label.
 * A response that closes before it finishes gets no onResponse: the 'close' listener the in-flight
 * count needs anyway records it, as ABORTED_STATUS, with the time until the close.
 */
export function installHttpMetrics (fastify: FastifyInstance, histogram: RequestHistogram): { inFlight: () => number } {
  let inFlight = 0
  const unmatched = new RouteRecorder(histogram, UNMATCHED_ROUTE)

  // 'close' fires exactly once per response, finished or aborted. Shared by every response: `this` is the response.
  function requestEnded (this: RawResponse): void {
    inFlight--
    const reply = this[kPending]
    if (reply == null || this.writableFinished) return
    this[kPending] = null
    const request = reply.request
    const recorder = request.is404 ? unmatched : (request.routeOptions.config as { [kRecorder]?: RouteRecorder })[kRecorder]
    recorder?.record(request.raw.method as string, ABORTED_STATUS, reply.elapsedTime / 1000)
  }

  fastify.addHook('onRoute', function addRecorder (route: RouteOptions) {
    if (productionConfig(route.config)?.metrics === false) return
    const recorder = new RouteRecorder(histogram, route.url)
    route.onResponse = append(route.onResponse, recordingHook(recorder))
    // A copy: the caller's config object may be shared with other routes.
    route.config = { ...route.config, [kRecorder]: recorder } as RouteOptions['config']
  })

  fastify.addHook('onRequest', function countInFlight (request, reply, done) {
    inFlight++
    const res = reply.raw as RawResponse
    res[kPending] = reply
    res.on('close', requestEnded)
    done()
  })

  fastify.addHook('onResponse', function recordUnmatched (request, reply, done) {
    if (request.is404 && claim(reply)) unmatched.record(request.raw.method as string, statusOf(request, reply), reply.elapsedTime / 1000)
    done()
  })

  return { inFlight: () => inFlight }
}
