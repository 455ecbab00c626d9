import { codes } from './errors.js'
import type { CorsOptions } from './options.js'

export interface ResolvedCors {
  /** `'*'` was listed: any origin, answered with `Access-Control-Allow-Origin: *`. */
  any: boolean
  exact: Set<string>
  wildcards: Array<{ prefix: string, suffix: string }>
  patterns: RegExp[]
  credentials: boolean
  strict: boolean
  allowMethods: string
  allowHeaders: string
  exposeHeaders: string | undefined
  maxAge: string
}

const WILDCARD = /^([a-z][a-z0-9+.-]*):\/\/\*\.((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(:\d{1,5})?$/
// One or more DNS labels: what may stand for the `*` of `https://*.example.com`.
const SUBDOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/
const OTHER_SCHEME_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\s]+$/
// Origins no reasonable allowlist matches: a pattern matching them matches everything.
const PROBES = ['https://fp-probe.invalid', 'http://attacker.example.net:8080']

function originError (entry: unknown, why: string): Error {
  return new codes.FP_ERR_SECURITY_CORS_ORIGIN(entry instanceof RegExp ? String(entry) : JSON.stringify(entry), why)
}

function exactOrigin (entry: string): string {
  const lower = entry.toLowerCase()
  let url: URL
  try {
    url = new URL(lower)
  } catch {
    throw originError(entry, 'not an origin; write scheme://host[:port], e.g. https://app.example.com')
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (lower.endsWith('/') || url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      throw originError(entry, 'an origin has no path, query, fragment, credentials or trailing slash; write scheme://host[:port]')
    }
    return url.origin
  }
  if (!OTHER_SCHEME_ORIGIN.test(lower)) throw originError(entry, 'not an origin; write scheme://host[:port]')
  return lower
}

function compilePattern (entry: RegExp): RegExp {
  if (entry.global || entry.sticky) throw originError(entry, 'the g and y flags make RegExp.test stateful; remove them')
  const source = entry.source
  if (!source.startsWith('^') || !source.endsWith('$') || source.endsWith('\\$')) {
    throw originError(entry, 'a regex must be anchored with ^ and $, or https://app.example.com.evil.net would match')
  }
  // Wrapping keeps a top-level alternation (/^a|b$/) from escaping the anchors.
  return new RegExp(`^(?:${source})$`, entry.flags)
}

export function compileCors (options: CorsOptions): ResolvedCors {
  const cors: ResolvedCors = {
    any: false,
    exact: new Set(),
    wildcards: [],
    patterns: [],
    credentials: options.credentials ?? false,
    strict: options.strict ?? false,
    allowMethods: (options.methods ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).map((m) => m.toUpperCase()).join(', '),
    allowHeaders: (options.allowedHeaders ?? ['Content-Type', 'Authorization']).join(', '),
    exposeHeaders: options.exposedHeaders === undefined || options.exposedHeaders.length === 0 ? undefined : options.exposedHeaders.join(', '),
    maxAge: String(options.maxAge ?? 600)
  }
  for (const entry of options.origins) {
    if (entry instanceof RegExp) {
      const pattern = compilePattern(entry)
      if (PROBES.every((probe) => pattern.test(probe))) {
        if (cors.credentials) throw new codes.FP_ERR_SECURITY_CORS_WILDCARD(String(entry))
      }
      cors.patterns.push(pattern)
    } else if (typeof entry !== 'string') {
      throw originError(entry, 'entries are strings (origins, https://*.example.com) or anchored RegExps')
    } else if (entry === '*') {
      if (cors.credentials) throw new codes.FP_ERR_SECURITY_CORS_WILDCARD("'*'")
      cors.any = true
    } else if (entry === 'null') {
      if (options.allowNullOrigin !== true) {
        throw originError(entry, 'sandboxed iframes and file: pages send Origin: null, so any site can; set cors.allowNullOrigin: true to accept it anyway')
      }
      cors.exact.add('null')
    } else if (entry.includes('*')) {
      const match = WILDCARD.exec(entry.toLowerCase())
      if (match === null) throw originError(entry, 'a wildcard is written scheme://*.domain.tld[:port] and matches subdomains only')
      cors.wildcards.push({ prefix: `${match[1] as string}://`, suffix: `.${match[2] as string}${match[3] ?? ''}` })
    } else {
      cors.exact.add(exactOrigin(entry))
    }
  }
  return cors
}

export function isAllowedOrigin (cors: ResolvedCors, origin: string): boolean {
  if (cors.any || cors.exact.has(origin)) return true
  for (const { prefix, suffix } of cors.wildcards) {
    if (origin.length > prefix.length + suffix.length && origin.startsWith(prefix) && origin.endsWith(suffix) &&
      SUBDOMAIN.test(origin.slice(prefix.length, origin.length - suffix.length))) return true
  }
  for (const pattern of cors.patterns) {
    if (pattern.test(origin)) return true
  }
  return false
}
