// Child entry of src/ab.js: one Fastify server with three routes that answer the same body, loaded in
// turn: `/a` (bare, root context), `/a2` (bare, its own encapsulated context: the A/A control) and `/b`
// (a context with one part of the suite registered). Reports its port and, on request, its CPU time.
import { createServer } from 'node:http'
import Fastify from 'fastify'
import health from '@fastify-production/health'
import security from '@fastify-production/security'
import compression from '@fastify-production/compression'
import dependencies, { httpDependency } from '@fastify-production/dependencies'
import { HOST, PAYLOAD, RATE_LIMIT, ROUTE, responseSchema } from './common.js'

const direct = (url) => async () => (await fetch(`${url}${ROUTE}`)).json()

async function loopbackUpstream () {
  const upstream = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(PAYLOAD)) })
  await new Promise((resolve) => upstream.listen(0, HOST, resolve))
  return `http://${HOST}:${upstream.address().port}`
}

export const variants = {
  health: {
    label: 'health with its defaults: the shedding hook (sampled limits and queue delay)',
    register: (ctx) => ctx.register(health)
  },
  'health-sampled-only': {
    label: 'health with queue-delay shedding off (maxQueueDelay: 0): the hook reads one precomputed value',
    register: (ctx) => ctx.register(health, { maxQueueDelay: 0 })
  },
  'slow-down': {
    label: 'security: the in-memory rate limit with a slow-down no request reaches, no headers',
    register: (ctx) => ctx.register(security, { headers: false, rateLimit: { ...RATE_LIMIT, delayAfter: RATE_LIMIT.max - 1 } })
  },
  'rate-limit': {
    label: 'security: the in-memory rate limit alone (no slow-down), its three ratelimit-* headers, no other headers',
    register: (ctx) => ctx.register(security, { headers: false, rateLimit: { ...RATE_LIMIT } })
  },
  'input-guard': {
    label: 'security: the input guard with query: true on a route without a query schema (its hook walks the query)',
    register: (ctx) => ctx.register(security, { headers: false, rateLimit: false, inputGuard: { query: true, repeatedQuery: 'refuse' } })
  },
  'input-guard-schema': {
    label: 'security: the input guard with query: true on a route whose query schema fixes every key (no hook expected)',
    register: (ctx) => ctx.register(security, { headers: false, rateLimit: false, inputGuard: { query: true, repeatedQuery: 'refuse' } }),
    schema: { querystring: { type: 'object', properties: { page: { type: 'integer' } }, additionalProperties: false } }
  },
  compression: {
    label: 'compression on a response below the threshold (no Accept-Encoding): its hooks',
    register: (ctx) => ctx.register(compression)
  },
  'fetch-signal': {
    label: 'no package: a loopback fetch with a fresh AbortSignal (/b) or without one (/a, /a2), what any cancellable call pays',
    setup: async () => ({ url: await loopbackUpstream() }),
    base: ({ url }) => direct(url),
    register: async () => {},
    handler: ({ url }) => async () => (await fetch(`${url}${ROUTE}`, { signal: new AbortController().signal })).json()
  },
  'dependencies-call': {
    label: 'one loopback upstream call per request: through dependencies\' policy (/b) or a bare fetch (/a, /a2)',
    async setup () {
      const url = await loopbackUpstream()
      return { url, shipping: httpDependency({ url, critical: false }) }
    },
    base: ({ url }) => direct(url),
    register: (ctx, { shipping }) => ctx.register(dependencies, { shipping }),
    handler: ({ shipping }) => async (request) => (await shipping.request(ROUTE, { request })).body
  }
}

async function start (name) {
  const variant = variants[name]
  const state = (await variant.setup?.()) ?? {}
  const base = variant.base?.(state) ?? (async () => PAYLOAD)
  const app = Fastify()
  app.get('/a', { schema: { response: responseSchema } }, base)
  await app.register(async (ctx) => { ctx.get('/a2', { schema: { response: responseSchema } }, base) })
  await app.register(async (ctx) => {
    await variant.register(ctx, state)
    ctx.get('/b', { schema: { response: responseSchema, ...variant.schema } }, variant.handler?.(state) ?? base)
  })
  await app.listen({ host: HOST, port: 0 })
  return app.server.address().port
}

if (process.send) {
  const port = await start(process.argv[2])
  process.send({ type: 'ready', port })
  process.on('message', (message) => {
    if (message.type === 'stats') process.send({ type: 'stats', cpu: process.cpuUsage() })
    else if (message.type === 'close') process.exit(0)
  })
}
