import { constants } from 'node:zlib'
import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, onSendHookHandler, RouteOptions } from 'fastify'
import fastifyCompress from '@fastify/compress'
import { productionConfig } from '@fastify-production/core'
import { codes } from './errors.js'
import { resolveOptions, type CompressionOptions } from './options.js'

/**
 * Text-like types. @fastify/compress's own list also takes `octet-stream`; types outside this list
 * are compressed only when mime-db marks them compressible (images, archives, video are not).
 */
const COMPRESSIBLE = /^text\/(?!event-stream)|[+/](?:json|text|xml)(?:;|$)/u

type Done = (err?: Error | null, payload?: unknown) => void
type OnSend = (this: unknown, request: FastifyRequest, reply: FastifyReply, payload: unknown, done: Done) => void

/** Adds `accept-encoding` to Vary (lower-case, so @fastify/compress does not add it twice). */
function varyOnEncoding (reply: FastifyReply): void {
  const current = reply.getHeader('vary')
  if (current === undefined) {
    reply.header('vary', 'accept-encoding')
    return
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current)
  if (text.includes('accept-encoding') || text === '*') return
  // Another spelling (Accept-Encoding) is made lower-case: @fastify/compress looks for that one.
  reply.header('vary', /accept-encoding/i.test(text) ? text.replace(/accept-encoding/ig, 'accept-encoding') : `${text}, accept-encoding`)
}

function countHooks (hooks: unknown): number {
  if (Array.isArray(hooks)) return hooks.length
  return typeof hooks === 'function' ? 1 : 0
}

/** mime-db (and so @fastify/compress) calls it compressible, but it is mostly archives, media and other packed bytes. */
function isOctetStream (reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type')
  return typeof type === 'string' && type.startsWith('application/octet-stream')
}

/** @fastify/compress's onSend, with Vary on every response and the BREACH rule in front. */
function wrap (upstream: OnSend, skipCredentialed: boolean): OnSend {
  if (!skipCredentialed) {
    return function compressResponse (request, reply, payload, done) {
      varyOnEncoding(reply)
      if (isOctetStream(reply)) {
        done(null, payload)
        return
      }
      upstream.call(this, request, reply, payload, done)
    }
  }
  return function compressUnlessCredentialed (request, reply, payload, done) {
    varyOnEncoding(reply)
    // BREACH needs a browser that sends the victim's credentials by itself: cookies. A response to
    // such a request, or one that sets a cookie, goes out uncompressed.
    if (request.headers.cookie !== undefined || reply.hasHeader('set-cookie') || isOctetStream(reply)) {
      done(null, payload)
      return
    }
    upstream.call(this, request, reply, payload, done)
  }
}

const compressionPlugin: FastifyPluginAsync<CompressionOptions> = async function compression (fastify, options) {
  const resolved = resolveOptions(options)
  if (fastify.hasPlugin('@fastify/compress')) throw new codes.FP_ERR_COMPRESSION_TAKEN()
  const skipCredentialed = resolved.credentialed === 'skip'

  const before = new WeakMap<RouteOptions, number>()
  fastify.addHook('onRoute', function compressionRouteSetting (routeOptions) {
    // `config.production.compress: false` becomes @fastify/compress's own opt-out: no hook at all on the route.
    if (productionConfig(routeOptions.config)?.compress === false && routeOptions.compress === undefined) {
      routeOptions.compress = false
    }
    before.set(routeOptions, countHooks(routeOptions.onSend))
  })

  await fastify.register(fastifyCompress, {
    global: true,
    // Request bodies stay as sent: inflating them would let a small upload expand past bodyLimit's intent.
    globalDecompression: false,
    threshold: resolved.threshold,
    encodings: resolved.encodings,
    customTypes: COMPRESSIBLE,
    brotliOptions: { params: { [constants.BROTLI_PARAM_QUALITY]: resolved.brotliQuality } },
    zlibOptions: { level: resolved.gzipLevel }
  })

  fastify.addHook('onRoute', function compressionRouteRule (routeOptions) {
    const hooks = routeOptions.onSend
    // @fastify/compress appended its onSend just now, unless the route opted out.
    if (!Array.isArray(hooks) || hooks.length === before.get(routeOptions)) return
    const always = productionConfig(routeOptions.config)?.compress === 'always'
    hooks[hooks.length - 1] = wrap(hooks[hooks.length - 1] as OnSend, skipCredentialed && !always) as onSendHookHandler
  })
}

/** Opt-in response compression: br/gzip by Accept-Encoding, a threshold, text-like types only, Vary, BREACH-aware. */
export const compression = fp(compressionPlugin, { fastify: '5.x', name: '@fastify-production/compression' })
export default compression

export type { CompressionOptions, Encoding } from './options.js'
export { codes }
