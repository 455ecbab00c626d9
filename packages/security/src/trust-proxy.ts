import type { FastifyInstance } from 'fastify'

// Documentation addresses (RFC 5737, RFC 3849): no real proxy list contains them.
const PROBES = ['192.0.2.1', '2001:db8::1']
const FORWARDED = '203.0.113.7'

/**
 * Whether Fastify takes X-Forwarded-For from any peer (trustProxy: true, '0.0.0.0/0'-like lists, a
 * function that trusts all). Fastify does not expose trustProxy in initialConfig, so this asks the
 * request class Fastify built from it what `ip` it would give for a peer no proxy list names.
 */
export function trustsEveryProxy (fastify: FastifyInstance): boolean {
  const initial = (fastify.initialConfig as { trustProxy?: unknown }).trustProxy
  if (initial === true) return true
  const symbol = Object.getOwnPropertySymbols(fastify).find((s) => s.description === 'fastify.Request')
  const RequestClass = symbol === undefined ? undefined : (fastify as unknown as Record<symbol, unknown>)[symbol]
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
