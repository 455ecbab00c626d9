import type { IncomingMessage, ServerResponse } from 'node:http'
import helmet, { type HelmetOptions } from 'helmet'
import { codes } from './errors.js'

/** Header names and values, flattened: `[name, value, name, value, ...]`, names lower-case. */
export type HeaderList = readonly string[]

export interface HeaderSets {
  api: HeaderList
  page: HeaderList
}

// What a JSON API needs: nothing may render, frame, sniff or leak the referrer. Headers that only
// matter to HTML documents (Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
// X-Permitted-Cross-Domain-Policies, X-XSS-Protection, COEP) cost bytes and Node's validation per
// response and protect nothing in a JSON body.
const API_POLICY: HelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  originAgentCluster: false,
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  xContentTypeOptions: true,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: 'deny' },
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false
}

function hasDirectiveFunction (options: HelmetOptions): boolean {
  const csp = options.contentSecurityPolicy
  if (typeof csp !== 'object' || csp === null || csp.directives === undefined) return false
  for (const value of Object.values(csp.directives)) {
    if (typeof value === 'function') return true
    if (value !== null && typeof value === 'object' && Symbol.iterator in value) {
      for (const item of value) if (typeof item === 'function') return true
    }
  }
  return false
}

/** Runs helmet's middleware once against a stand-in response and keeps what it would have set. */
export function captureHelmetHeaders (where: string, options: HelmetOptions): string[] {
  if (hasDirectiveFunction(options)) {
    throw new codes.FP_ERR_SECURITY_OPTIONS(where, 'CSP directives computed per request (functions, nonces) are not supported: the header set is computed once at registration')
  }
  const captured = new Map<string, string>()
  const res = {
    setHeader (name: string, value: string | number | readonly string[]) { captured.set(name.toLowerCase(), String(value)) },
    removeHeader (name: string) { captured.delete(name.toLowerCase()) }
  }
  const req = { method: 'GET', url: '/', headers: {} }
  try {
    helmet(options)(req as unknown as IncomingMessage, res as unknown as ServerResponse, () => {})
  } catch (err) {
    throw new codes.FP_ERR_SECURITY_OPTIONS(where, `helmet refused it: ${(err as Error).message}`)
  }
  return [...captured].flat()
}

export function buildHeaderSets (options: { api?: object, page?: object, cacheControl?: string | false }): HeaderSets {
  const api = captureHelmetHeaders('headers.api', { ...API_POLICY, ...options.api } as HelmetOptions)
  const cacheControl = options.cacheControl ?? 'no-store'
  if (cacheControl !== false) api.push('cache-control', cacheControl)
  const page = captureHelmetHeaders('headers.page', { ...options.page } as HelmetOptions)
  return { api, page }
}
