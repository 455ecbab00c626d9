import { randomBytes, randomInt } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import { result, type CheckResult } from './check.js'

export interface HttpCheckOptions {
  /** Base URL of the running service; nothing is sent anywhere else. */
  url: string
  /** Bound of every request, in ms. */
  timeout: number
  /** Health probe prefix. */
  healthPrefix: string
  /** Base URL of health's probe listener (its `port` option); undefined: the probes are routes of the service. */
  healthUrl: string | undefined
  /** Path of the metrics endpoint. */
  metricsPath: string
  /** A POST route that parses JSON, for the malformed-body check; undefined skips it. */
  postPath: string | undefined
}

interface Seen {
  /** 0 when no answer came */
  status: number
  headers: Headers
  body: string
  error: string
}

const SECURITY_HEADERS = ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'strict-transport-security', 'referrer-policy']

export async function httpChecks (options: HttpCheckOptions): Promise<CheckResult[]> {
  const base = new URL(options.url)
  // Health's probe listener (its `port` option) serves the probes apart from the app.
  const probes = options.healthUrl === undefined ? base : new URL(options.healthUrl)
  const apart = probes !== base
  const marker = randomBytes(6).toString('hex')

  async function call (path: string, init: RequestInit = {}, at = base): Promise<Seen> {
    try {
      const res = await fetch(new URL(path, at), { ...init, redirect: 'manual', signal: AbortSignal.timeout(options.timeout) })
      return { status: res.status, headers: res.headers, body: await res.text(), error: '' }
    } catch (err) {
      return { status: 0, headers: new Headers(), body: '', error: (err as Error).message }
    }
  }
  const out: CheckResult[] = []

  const live = await call(`${options.healthPrefix}/live`, {}, probes)
  if (live.status === 0) {
    out.push(result('process', 'http.reachable', 'service answers', 'fail', `no answer from ${probes.origin}: ${live.error}`,
      apart ? 'start the service, or pass the right --health-url (health\'s probe listener)' : 'start the service, or pass the right --url'))
    return out
  }
  out.push(result('monitoring', 'http.liveness', 'liveness probe answers 200', live.status === 200 ? 'pass' : 'fail',
    `GET ${options.healthPrefix}/live → ${live.status}`, `register @fastify-production/health (or fastify-production)${apart ? '' : '; if its probes are on a port of their own, pass --health-url'}`))

  const ready = await call(`${options.healthPrefix}/ready`, {}, probes)
  out.push(result('monitoring', 'http.readiness', 'readiness probe answers', ready.status === 200 ? 'pass' : ready.status === 503 ? 'warn' : 'fail',
    `GET ${options.healthPrefix}/ready → ${ready.status}${ready.status === 503 ? ' (not ready now: a dependency check fails or the service is draining)' : ''}`,
    ready.status === 503 ? 'look at the readiness body: which check fails' : 'register @fastify-production/health'))

  const missingPath = `/__fastify_production_doctor_${marker}`
  const notFound = await call(missingPath, { headers: { 'x-request-id': `doctor-${marker}`, origin: 'https://doctor-unknown-origin.invalid' } })

  // On their own listener the probes pass through none of the app's hooks: their 200 says nothing of the app's headers.
  const appAnswers = apart ? [['404', notFound]] as const : [['200', live], ['404', notFound]] as const
  if (apart) {
    out.push(result('security', 'http.headers-on-200', 'security headers on a 200', 'skip',
      `the probes answer on --health-url ${probes.origin}, a listener without the app's hooks; no 200 of the app to look at`))
  }
  for (const [where, seen] of appAnswers) {
    const missing = SECURITY_HEADERS.filter((h) => !seen.headers.has(h))
    out.push(result('security', `http.headers-on-${where}`, `security headers on a ${where}`, missing.length === 0 ? 'pass' : 'fail',
      missing.length === 0 ? 'all present' : `missing: ${missing.join(', ')}`, 'register @fastify-production/security'))
  }
  const powered = appAnswers.some(([, s]) => s.headers.has('x-powered-by'))
  out.push(result('security', 'http.no-powered-by', 'no X-Powered-By', powered ? 'fail' : 'pass', powered ? 'X-Powered-By is sent' : 'not sent', 'remove the header (helmet does)'))

  const acao = notFound.headers.get('access-control-allow-origin')
  out.push(result('security', 'http.cors-unknown-origin', 'an unknown origin gets no CORS headers', acao === null ? 'pass' : 'fail',
    acao === null ? 'no Access-Control-Allow-Origin for https://doctor-unknown-origin.invalid' : `Access-Control-Allow-Origin: ${acao}`,
    'list exact origins in security.cors.origins; never * or reflect-all'))

  // The suite sends the IETF draft's ratelimit-*; @fastify/rate-limit, kept by many apps, x-ratelimit-*.
  const limitHeader = ['ratelimit-limit', 'x-ratelimit-limit'].find((name) => notFound.headers.has(name))
  const limit = limitHeader === undefined ? null : notFound.headers.get(limitHeader)
  out.push(result('security', 'http.rate-limit', 'rate-limit headers on ordinary routes', limit === null ? 'fail' : 'pass',
    limit === null ? 'no ratelimit-* headers on a 404' : `${limitHeader as string}: ${limit}`, 'turn rate limiting on (security.rateLimit)'))

  out.push(await forwardedForCheck(base, () => call(missingPath), (forged) => call(missingPath, { headers: { 'x-forwarded-for': forged } })))

  const type = String(notFound.headers.get('content-type'))
  const stack = /\bat .+:\d+:\d+|"stack"/.test(notFound.body)
  out.push(result('errors', 'http.problem-json', 'errors are problem+json without stack traces', type.startsWith('application/problem+json') && !stack ? 'pass' : 'fail',
    `404 (${notFound.status}) content-type ${type}${stack ? ', body carries a stack trace' : ''}`, 'register @fastify-production/errors; never enable exposeStack in production'))

  const echoed = String(notFound.headers.get('x-request-id'))
  out.push(result('logging', 'http.request-id', 'request ids are echoed', echoed === `doctor-${marker}` ? 'pass' : 'fail',
    `sent x-request-id doctor-${marker}, got ${echoed}`, 'register @fastify-production/logging and use serverOptions()'))

  const metrics = await call(options.metricsPath)
  out.push(result('monitoring', 'http.metrics-protected', `${options.metricsPath} refuses an anonymous scrape`, metrics.status === 200 ? 'fail' : 'pass',
    `GET ${options.metricsPath} without credentials → ${metrics.status}`, 'set metrics.token or metrics.port'))

  if (options.postPath === undefined) {
    out.push(result('errors', 'http.malformed-json', 'malformed JSON gets a clean 400', 'skip', 'no --post route given', 'pass --post /some-json-route'))
  } else {
    const bad = await call(options.postPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"doctor": ' })
    const leaks = /Unexpected|JSON at position|SyntaxError|\bat .+:\d+/.test(bad.body)
    out.push(result('errors', 'http.malformed-json', 'malformed JSON gets a clean 400', bad.status === 400 && !leaks ? 'pass' : 'fail',
      `POST ${options.postPath} with a broken body → ${bad.status}${leaks ? ', body shows parser internals' : ''}`, 'register @fastify-production/errors'))
  }
  return out
}

// Loopback and private ranges: a doctor run from there may sit inside the proxies' trusted range.
const INSIDE = new BlockList()
for (const [net, prefix] of [['127.0.0.0', 8], ['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['169.254.0.0', 16]] as const) INSIDE.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) INSIDE.addSubnet(net, prefix, 'ipv6')

/** Whether `hostname` (of the --url) is this machine or a private network. */
export function insideNetwork (hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost') return true
  // An IPv4-mapped IPv6 address (::ffff:10.1.2.3, which URL writes ::ffff:a01:203) is its IPv4 address.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(host)
  if (mapped !== null) {
    const high = parseInt(mapped[1] as string, 16)
    const low = parseInt(mapped[2] as string, 16)
    return INSIDE.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4')
  }
  const family = isIP(host)
  return family !== 0 && INSIDE.check(host, family === 4 ? 'ipv4' : 'ipv6')
}

function remainingOf (seen: Seen): number | undefined {
  const value = seen.headers.get('ratelimit-remaining') ?? seen.headers.get('x-ratelimit-remaining')
  return value === null ? undefined : Number(value)
}

const FORWARDED_ID = 'http.forwarded-for'
const FORWARDED_TITLE = 'a forged X-Forwarded-For gets no rate-limit bucket of its own'
const FORWARDED_FIX = 'trust only your proxies: trustProxy as their addresses or CIDR (the example\'s TRUST_PROXY), never true'

/**
 * A request, then the same request with a forged X-Forwarded-For (a documentation address). Sharing
 * our bucket, the forged one has less left than ours; with a bucket of its own (trustProxy true, or
 * a trusted range that covers this client) it has at least as much, since ours was never fuller than
 * a fresh one. A window reset between the two can fake that: a second try must agree.
 */
async function forwardedForCheck (base: URL, plain: () => Promise<Seen>, forged: (address: string) => Promise<Seen>): Promise<CheckResult> {
  let last = ''
  for (let attempt = 0; attempt < 2; attempt++) {
    const ours = remainingOf(await plain())
    const theirs = remainingOf(await forged(`198.51.100.${randomInt(1, 255)}`))
    if (ours === undefined || theirs === undefined) {
      return result('security', FORWARDED_ID, FORWARDED_TITLE, 'skip', 'no ratelimit-remaining header to compare', 'turn rate limiting on (security.rateLimit)')
    }
    if (ours === 0) return result('security', FORWARDED_ID, FORWARDED_TITLE, 'skip', 'this client is rate limited right now: run the doctor again later')
    last = `ratelimit-remaining ${ours} for this client, ${theirs} with a forged X-Forwarded-For`
    if (theirs < ours) return result('security', FORWARDED_ID, FORWARDED_TITLE, 'pass', `one bucket: ${last}`)
  }
  return ownBucketResult(base.hostname, last)
}

/** The verdict when a forged X-Forwarded-For got a bucket of its own, seen from `hostname`. */
export function ownBucketResult (hostname: string, seen: string): CheckResult {
  const inside = insideNetwork(hostname)
  return result('security', FORWARDED_ID, FORWARDED_TITLE, inside ? 'warn' : 'fail',
    `a bucket of its own (${seen}): any client picks its address and a fresh budget${inside ? `; ${hostname} is this machine or a private network, which may be the trusted proxies' range: run the doctor against the public address to be sure` : ''}`,
    FORWARDED_FIX)
}
