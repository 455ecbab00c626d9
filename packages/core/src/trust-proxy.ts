import type { FastifyInstance } from 'fastify'

// Documentation addresses (RFC 5737, RFC 3849): no real proxy list contains them.
const PROBES = ['192.0.2.1', '2001:db8::1']
const FORWARDED = '203.0.113.7'

function ownSymbol (object: object, description: string): unknown {
  for (let o: object | null = object; o !== null; o = Object.getPrototypeOf(o)) {
    for (const symbol of Object.getOwnPropertySymbols(o)) {
      if (symbol.description === description) return (o as Record<symbol, unknown>)[symbol]
    }
  }
  return undefined
}

/**
 * The `trustProxy` the app was constructed with. Fastify exposes no accessor (it is not in
 * `initialConfig`), so read the constructor options Fastify keeps under its `fastify.options`
 * symbol; a test pins this against the installed Fastify, so a change there fails loudly.
 */
export function readTrustProxy (fastify: FastifyInstance): unknown {
  return (ownSymbol(fastify, 'fastify.options') as { trustProxy?: unknown } | undefined)?.trustProxy
}

/**
 * Whether Fastify takes X-Forwarded-For from any peer (trustProxy: true, '0.0.0.0/0'-like lists, a
 * function that trusts all). Asks the request class Fastify built from the setting what `ip` it
 * would give for a peer no proxy list names, so every form of the setting is judged as Fastify does.
 */
export function trustsEveryProxy (fastify: FastifyInstance): boolean {
  if (readTrustProxy(fastify) === true) return true
  const RequestClass = ownSymbol(fastify, 'fastify.Request')
  const ip = typeof RequestClass === 'function'
    ? Object.getOwnPropertyDescriptor(RequestClass.prototype, 'ip')?.get
    : undefined
  // Without trustProxy Fastify defines no own `ip` getter on its request class.
  if (ip === undefined) return false
  return PROBES.some((peer) => {
    const raw = { headers: { 'x-forwarded-for': FORWARDED }, socket: { remoteAddress: peer }, connection: { remoteAddress: peer } }
    return ip.call({ raw, headers: raw.headers }) === FORWARDED
  })
}
