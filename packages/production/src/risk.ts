import { readdirSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { dirname } from 'node:path'
import { getHeapStatistics } from 'node:v8'

/** One risky setting: a stable code, what is wrong, and the one-line fix. */
export interface Finding {
  code: string
  /** Where the guides file it. */
  group: 'process' | 'errors' | 'config' | 'security' | 'performance' | 'deployment'
  /** Certain trouble (a failure in the doctor), not only a risk. */
  severe: boolean
  message: string
  fix: string
}

/** Facts about the process and its container that make a setting risky. Read once, at ready. */
export interface RuntimeFacts {
  nodeEnv: string | undefined
  nodeVersion: string
  today: Date
  uid: number | undefined
  heapLimitBytes: number
  /** The container's memory limit (cgroup v2 `memory.max` or v1 `memory.limit_in_bytes`); undefined when unlimited. */
  containerMemoryBytes: number | undefined
  maxOldSpaceSizeSet: boolean
  sourceMapsEnabled: boolean
  /** `.js.map` files sit beside the entry script. */
  entryHasSourceMaps: boolean
}

// End of life of each Node.js major (nodejs.org release schedule); odd majors live ~8 months.
const NODE_EOL: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  19: '2023-06-01',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
  25: '2026-06-01',
  26: '2029-04-30',
  27: '2027-06-01'
}

// cgroup v1 reports "no limit" as a huge number near 2^63.
const UNLIMITED = 2 ** 60

function readNumberFile (path: string): number | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim()
    const value = Number(text)
    return text === 'max' || !Number.isFinite(value) || value >= UNLIMITED ? undefined : value
  } catch {
    return undefined
  }
}

export function containerMemoryLimit (root = '/sys/fs/cgroup'): number | undefined {
  return readNumberFile(`${root}/memory.max`) ?? readNumberFile(`${root}/memory/memory.limit_in_bytes`)
}

export function hasSourceMapsBeside (entry: string | undefined): boolean {
  if (entry === undefined) return false
  try {
    return readdirSync(dirname(entry)).some((name) => name.endsWith('.js.map'))
  } catch {
    return false
  }
}

export function readRuntimeFacts (): RuntimeFacts {
  const flags = `${process.execArgv.join(' ')} ${String(process.env.NODE_OPTIONS)}`
  return {
    nodeEnv: process.env.NODE_ENV,
    nodeVersion: process.versions.node,
    today: new Date(),
    uid: process.getuid?.(),
    heapLimitBytes: getHeapStatistics().heap_size_limit,
    containerMemoryBytes: containerMemoryLimit(),
    maxOldSpaceSizeSet: /--max-old-space-size/.test(flags),
    sourceMapsEnabled: process.sourceMapsEnabled,
    entryHasSourceMaps: hasSourceMapsBeside(process.argv[1])
  }
}

const MiB = 1024 * 1024

export function runtimeFindings (f: RuntimeFacts): Finding[] {
  const found: Finding[] = []
  if (f.nodeEnv !== 'production') {
    found.push({ code: 'FP_WARN_NODE_ENV', group: 'config', severe: false, message: `NODE_ENV is ${f.nodeEnv === undefined ? 'not set' : `"${f.nodeEnv}"`}`, fix: 'set NODE_ENV=production in the deployment' })
  }
  const major = Number(f.nodeVersion.split('.')[0])
  const eol = NODE_EOL[major]
  if (eol !== undefined && f.today.toISOString().slice(0, 10) > eol) {
    found.push({ code: 'FP_WARN_NODE_EOL', group: 'process', severe: true, message: `Node.js ${major} reached its end of life on ${eol}: no more security fixes`, fix: 'move to a supported LTS (see nodejs.org/en/about/previous-releases)' })
  }
  if (f.uid === 0) {
    found.push({ code: 'FP_WARN_ROOT_USER', group: 'deployment', severe: false, message: 'the process runs as root', fix: 'run as an unprivileged user (Dockerfile: USER node)' })
  }
  if (f.containerMemoryBytes !== undefined) {
    const limitMb = Math.round(f.containerMemoryBytes / MiB)
    if (!f.maxOldSpaceSizeSet) {
      found.push({ code: 'FP_WARN_HEAP_UNSET', group: 'performance', severe: false, message: `the container allows ${limitMb} MiB but --max-old-space-size is not set`, fix: `start node with --max-old-space-size=${Math.floor(limitMb * 0.75)} (75% of the limit)` })
    } else if (f.heapLimitBytes > f.containerMemoryBytes * 0.75) {
      found.push({ code: 'FP_WARN_HEAP_ABOVE_LIMIT', group: 'performance', severe: true, message: `the heap may grow to ${Math.round(f.heapLimitBytes / MiB)} MiB, above 75% of the container's ${limitMb} MiB: the OOM killer strikes first`, fix: `lower --max-old-space-size to ${Math.floor(limitMb * 0.75)}` })
    }
  }
  if (f.entryHasSourceMaps && !f.sourceMapsEnabled) {
    found.push({ code: 'FP_WARN_SOURCE_MAPS', group: 'errors', severe: false, message: 'source maps ship beside the code but are not enabled: stack traces point into compiled files', fix: 'start node with --enable-source-maps' })
  }
  return found
}

/** Settings of the app and of the suite's packages that the umbrella can see at ready. */
export interface AppFacts {
  trustProxy: unknown
  keepAliveTimeout: number | undefined
}

/** The idle timeout of common load balancers (AWS ALB 60 s, GCP 600 s, nginx 75 s upstream keepalive). */
export const LOAD_BALANCER_IDLE_MS = 65_000

export function appFindings (a: AppFacts): Finding[] {
  const found: Finding[] = []
  if (a.trustProxy === true) {
    found.push({ code: 'FP_WARN_TRUST_PROXY', group: 'security', severe: true, message: 'trustProxy is true: any client sets its own request.ip with X-Forwarded-For', fix: 'set trustProxy to your proxies\' addresses, e.g. [\'10.0.0.0/8\']' })
  }
  if (typeof a.trustProxy === 'number') {
    found.push({ code: 'FP_WARN_TRUST_PROXY_HOPS', group: 'security', severe: true, message: `trustProxy is a hop count (${a.trustProxy}): a count cannot tell the proxy from a client that reaches the app directly, so current Fastify 5 releases ignore it: request.ip (and the rate limit's key) is the proxy's address`, fix: 'set trustProxy to your proxies\' addresses or CIDR, e.g. [\'10.0.0.0/8\']' })
  }
  if (a.keepAliveTimeout !== undefined && a.keepAliveTimeout <= LOAD_BALANCER_IDLE_MS) {
    found.push({ code: 'FP_WARN_KEEP_ALIVE', group: 'performance', severe: false, message: `keepAliveTimeout is ${a.keepAliveTimeout} ms, not above a load balancer's ${LOAD_BALANCER_IDLE_MS} ms idle timeout: it may reuse a socket we just closed (502s)`, fix: 'use serverOptions() or set keepAliveTimeout to 72000' })
  }
  return found
}

/** The umbrella's package options, as far as the risk checks read them. */
export interface PackageFacts {
  security: false | { cors?: false | { origins?: ReadonlyArray<string | RegExp> }, rateLimit?: false | object }
  metrics: false | { token?: string, port?: number, public?: boolean }
  shutdown: false | { timeout?: number }
  /** NODE_ENV is production. */
  production: boolean
  /** Another plugin decorated `metrics` and nothing was said about ours: ours was left out. */
  metricsTaken?: boolean
}

/** Neither a token nor a port, and public not said: metrics refuses to boot like this in production. */
export function metricsUnprotected (metrics: PackageFacts['metrics']): boolean {
  return metrics !== false && metrics.token === undefined && metrics.port === undefined && metrics.public !== true
}

/** Kubernetes' default terminationGracePeriodSeconds, the budget most platforms give a shutdown. */
export const TYPICAL_GRACE_MS = 30_000

export function packageFindings (p: PackageFacts): Finding[] {
  const found: Finding[] = []
  if (p.security === false || p.security.rateLimit === false) {
    found.push({ code: 'FP_WARN_RATE_LIMIT_OFF', group: 'security', severe: false, message: 'rate limiting is off: one client can take the whole service', fix: 'keep security.rateLimit on (100/min by default) and use the strict tier on login routes' })
  }
  if (p.security !== false && p.security.cors !== false && p.security.cors?.origins?.some((o) => o === '*') === true) {
    found.push({ code: 'FP_WARN_CORS_WILDCARD', group: 'security', severe: false, message: 'CORS allows every origin (*)', fix: 'list the exact origins that call this API in security.cors.origins' })
  }
  if (p.metricsTaken === true) {
    found.push({ code: 'FP_WARN_METRICS_TAKEN', group: 'security', severe: false, message: 'fastify.metrics is taken already (fastify-metrics, or metrics registered before the umbrella): the umbrella leaves its metrics out', fix: 'keep it and pass metrics: false to silence this, or remove it to get per-route histograms, event-loop and shedding metrics from the suite' })
  } else if (p.production && metricsUnprotected(p.metrics)) {
    found.push({ code: 'FP_WARN_METRICS_OFF', group: 'security', severe: false, message: 'metrics are off: in production /metrics needs protection and none was given', fix: 'set metrics.token (Bearer) or metrics.port (a listener of its own)' })
  } else if (p.metrics !== false && p.metrics.token === undefined && p.metrics.port === undefined) {
    found.push({ code: 'FP_WARN_METRICS_PUBLIC', group: 'security', severe: false, message: '/metrics answers anyone: it shows routes, traffic and memory', fix: 'set metrics.token (Bearer) or metrics.port (a listener of its own)' })
  }
  const timeout = p.shutdown === false ? undefined : p.shutdown.timeout
  if (timeout !== undefined && timeout > TYPICAL_GRACE_MS - 2_000) {
    found.push({ code: 'FP_WARN_SHUTDOWN_GRACE', group: 'deployment', severe: false, message: `the shutdown may take ${timeout} ms (delay included), more than a typical 30 s grace period allows: the platform kills the process mid-drain`, fix: 'keep shutdown.timeout at 25000 or raise terminationGracePeriodSeconds above it' })
  }
  return found
}

/**
 * Requests that carry X-Forwarded-For came through a proxy; if Fastify still gives the peer's address
 * as request.ip, no hop was trusted and every client behind that proxy shares one rate-limit bucket
 * (and one address in the logs). Boot cannot know whether a proxy is in front: the first such request does.
 */
export function untrustedProxyFinding (peer: string | undefined): Finding {
  return {
    code: 'FP_WARN_PROXY_UNTRUSTED',
    group: 'security',
    severe: true,
    message: `requests arrive with X-Forwarded-For from ${peer ?? 'an unknown peer'}, a proxy that trustProxy does not trust: request.ip is the proxy's address, so every client behind it shares one rate-limit bucket (if clients reach this service directly, one of them sent the header: ignore this)`,
    fix: 'set trustProxy (Fastify constructor) to the proxies\' addresses or CIDR, e.g. [\'10.0.0.0/8\'] for an ingress in the cluster network; never true'
  }
}

/** Reports `untrustedProxyFinding` once, at the first request that shows it; after that the hook costs one boolean test. */
export function watchForwardedFor (fastify: FastifyInstance, report: (finding: Finding) => void): void {
  let reported = false
  fastify.addHook('onRequest', function forwardedForWatch (request, _reply, done) {
    if (!reported && request.headers['x-forwarded-for'] !== undefined && request.ip === request.socket.remoteAddress) {
      reported = true
      report(untrustedProxyFinding(request.socket.remoteAddress))
    }
    done()
  })
}
