import type { FastifyInstance, FastifyReply, RouteOptions } from 'fastify'
import { productionConfig, resetByClient, routeConfigReader } from '@fastify-production/core'
import { RequestHistogram, RouteRecorder, UNMATCHED_ROUTE } from './request-histogram.js'

/**
 * `status_code` of a request whose response closed before it finished: the client went away (or the
 * connection broke) before or while the answer was written. nginx's "client closed request" code;
 * no HTTP status, so it cannot be mistaken for an answer the app gave.
 */
export const ABORTED_STATUS = 499

// On the route's config (Fastify copies it into the route's context): what the route records into.
const kRecorder = Symbol('fastify-production.metrics.recorder')
// On the raw response: its reply, until the 'close' listener recorded it, and when it began.
const kReply = Symbol('fastify-production.metrics.reply')
const kStart = Symbol('fastify-production.metrics.start')

type RawResponse = FastifyReply['raw'] & { [kReply]?: FastifyReply | null, [kStart]?: number }

/**
 * Whether a closed response reached its client. `writableFinished` says so on a real socket; an
 * injected response (light-my-request) ends into a socket that never drains, so it never reports it:
 * there, an `end()` on a socket still open is as delivered as the server can know.
 */
function delivered (res: RawResponse): boolean {
  return res.writableFinished || (res.writableEnded && res.socket?.destroyed === false)
}

/**
 * Records the request duration histogram and the in-flight count, both from the response's 'close'
 * event: it fires exactly once per response, finished or aborted, and the in-flight count needs it
 * anyway. No onResponse hook: with none on a route Fastify skips its onResponse hook runner, and one
 * listener replaces the two hooks every request used to run (the suite's profile, bench/README).
 * The duration runs from this onRequest hook to the close (our own clock: Fastify keeps none when
 * the app has no logger and no onResponse hook); a response that closed before it was delivered is
 * recorded as ABORTED_STATUS. The route's recorder was found once, at `onRoute`;
 * unmatched URLs have no route and share one fixed label.
 */
export function installHttpMetrics (fastify: FastifyInstance, histogram: RequestHistogram): { inFlight: () => number } {
  let inFlight = 0
  const unmatched = new RouteRecorder(histogram, UNMATCHED_ROUTE)
  const routeConfig = routeConfigReader()

  // Shared by every response: `this` is the response.
  function requestEnded (this: RawResponse): void {
    inFlight--
    const reply = this[kReply] as FastifyReply
    this[kReply] = null
    const request = reply.request
    const recorder = request.is404 ? unmatched : (routeConfig(request) as { [kRecorder]?: RouteRecorder })[kRecorder]
    if (recorder === undefined) return
    const status = delivered(this) && !resetByClient(request.raw) ? reply.statusCode : ABORTED_STATUS
    recorder.record(request.raw.method as string, status, (performance.now() - (this[kStart] as number)) / 1000)
  }

  fastify.addHook('onRoute', function addRecorder (route: RouteOptions) {
    if (productionConfig(route.config)?.metrics === false) return
    // A copy: the caller's config object may be shared with other routes.
    route.config = { ...route.config, [kRecorder]: new RouteRecorder(histogram, route.url) } as RouteOptions['config']
  })

  fastify.addHook('onRequest', function countInFlight (_request, reply, done) {
    inFlight++
    const res = reply.raw as RawResponse
    res[kReply] = reply
    res[kStart] = performance.now()
    res.on('close', requestEnded)
    done()
  })

  return { inFlight: () => inFlight }
}
