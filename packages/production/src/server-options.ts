import type { Server } from 'node:http'
import type { FastifyHttpOptions } from 'fastify'
import { loggerOptions, requestIdOptions } from '@fastify-production/logging'
import { clientErrorHandler, frameworkErrorHandler, serverResponse } from '@fastify-production/security'

/** Options for `Fastify()` with an HTTP/1.1 server. */
export type ServerOptions = FastifyHttpOptions<Server>

/**
 * Fastify constructor options a plugin cannot set after construction, chosen for production.
 * Every value is explained in the README; `overrides` win, key by key (`http` is merged one level deep).
 */
export function serverOptions (overrides: ServerOptions = {}): ServerOptions {
  const defaults = {
    // pino JSON: ISO time, level labels, secrets redacted; the level from LOG_LEVEL.
    logger: loggerOptions({ level: process.env.LOG_LEVEL ?? 'info' }),
    // Inbound x-request-id only when well formed, else a cheap generated id; one access line per request.
    ...requestIdOptions(),
    // Answers Fastify gives below the hook layer (bad request lines, header overflow, bad URLs) also get
    // the security headers and a problem body.
    clientErrorHandler: clientErrorHandler(),
    frameworkErrors: frameworkErrorHandler(),
    // Fastify's default, stated so it is visible: bodies over 1 MiB answer 413 before parsing.
    bodyLimit: 1_048_576,
    // Off: with it on, any client picks its own request.ip through X-Forwarded-For. Give your proxies' addresses instead.
    trustProxy: false,
    // Reject bodies that try prototype pollution instead of silently stripping them.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // A request (headers and body) must arrive within 30 s: slow-drip clients cannot pin a socket.
    requestTimeout: 30_000,
    // Above the 60–65 s idle timeout of common load balancers, so they never reuse a socket we just closed.
    keepAliveTimeout: 72_000,
    // Node checks request/headers timeouts on this interval (default 30 s): slowloris sockets end within seconds.
    // ServerResponse: the 400 Node itself writes for an HTTP/1.1 request without Host carries the security headers.
    http: { connectionsCheckingInterval: 2_000, headersTimeout: 15_000, ServerResponse: serverResponse() },
    // While closing, requests that still arrive get 503 + Connection: close instead of hanging.
    return503OnClosing: true,
    // app.close() ends idle keep-alive sockets at once instead of waiting keepAliveTimeout.
    forceCloseConnections: 'idle'
  } satisfies ServerOptions
  return {
    ...defaults,
    ...overrides,
    http: { ...defaults.http, ...overrides.http }
  }
}
