import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import type { CounterLike, MetricsCapability, ProblemWriter } from '@fastify-production/core'
import { clientKey } from './client-key.js'
import { MemoryStore } from './memory-store.js'
import { RedisStore } from './redis-store.js'
import type { RedisClient, ResolvedRateLimit, ResolvedTier } from './options.js'
import type { ThrottledWarn } from './throttled-warn.js'
import { Delays, delayOf, type Delay } from './slow-down.js'

export interface Limiter {
  readonly tier: ResolvedTier
  readonly limitHeader: string
  readonly memory: MemoryStore | undefined
  readonly redisKeyPrefix: string
}

const STORE_DOWN = { status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'The rate limit cannot be checked right now; retry shortly.' } as const

/** Every limiter of one plugin instance, their stores, and what happens when they say no. */
export class RateLimiter {
  readonly options: ResolvedRateLimit
  readonly global: Limiter
  private readonly tiers = new Map<string, Limiter>()
  private readonly limiters: Limiter[] = []
  private readonly routes = new Map<string, { spec: object, limiter: Limiter }>()
  private readonly redis: RedisStore | undefined
  private readonly warning: ThrottledWarn
  private readonly writer: ProblemWriter
  private limited: CounterLike | undefined
  private storeErrors: CounterLike | undefined
  private delayed: CounterLike | undefined
  /** Requests waiting out a slow-down. */
  readonly delays = new Delays()

  constructor (options: ResolvedRateLimit, warning: ThrottledWarn, redis: RedisClient | undefined, writer: ProblemWriter) {
    this.options = options
    this.warning = warning
    this.writer = writer
    this.redis = redis === undefined ? undefined : new RedisStore(redis, options.storeTimeout)
    this.global = this.create(options.global, options.global.name)
    for (const [name, tier] of options.tiers) this.tiers.set(name, this.create(tier, name))
  }

  private create (tier: ResolvedTier, keySpace: string): Limiter {
    const limiter: Limiter = {
      tier,
      limitHeader: String(tier.max),
      memory: this.redis === undefined ? new MemoryStore(tier.windowMs, this.options.maxKeys) : undefined,
      redisKeyPrefix: `${this.options.redisPrefix}${keySpace}:`
    }
    this.limiters.push(limiter)
    return limiter
  }

  tier (name: string): Limiter | undefined {
    return this.tiers.get(name)
  }

  /**
   * A limiter of its own for one route's `{ max, timeWindow }`. The HEAD route Fastify adds for a
   * GET carries the same config object: it shares the GET's counter.
   */
  forRoute (url: string, routeName: string, spec: object, max: number, windowMs: number, delay: Delay | undefined): Limiter {
    const known = this.routes.get(url)
    if (known?.spec === spec) return known.limiter
    const limiter = this.create({ name: 'route', max, windowMs, onStoreError: this.options.global.onStoreError, delay }, `route:${routeName}`)
    this.routes.set(url, { spec, limiter })
    return limiter
  }

  useMetrics (metrics: MetricsCapability): void {
    this.limited = metrics.counter({ name: 'http_requests_rate_limited_total', help: 'Requests answered 429 by the rate limiter', labelNames: ['tier'] })
    this.storeErrors = metrics.counter({ name: 'rate_limit_store_errors_total', help: 'Rate-limit store calls that failed or timed out', labelNames: ['tier'] })
    // Only apps that slow down get the series: every limiter, route limits included, exists by onReady.
    if (this.limiters.some((limiter) => limiter.tier.delay !== undefined)) {
      this.delayed = metrics.counter({ name: 'http_requests_delayed_total', help: 'Requests slowed down before the rate limit (delayAfter)', labelNames: ['tier'] })
    }
  }

  check (request: FastifyRequest, reply: FastifyReply, limiter: Limiter, done: HookHandlerDoneFunction): void {
    const generator = this.options.keyGenerator
    const key = generator === undefined ? clientKey(request.ip) : String(generator(request))
    const now = Date.now()
    const memory = limiter.memory
    if (memory !== undefined) {
      this.decide(request, reply, limiter, memory.hit(key, now), memory.resetAt - now, done)
      return
    }
    (this.redis as RedisStore).hit(limiter.redisKeyPrefix + key, limiter.tier.windowMs).then(
      (hit) => { this.decide(request, reply, limiter, hit.count, hit.ttl, done) },
      (err: unknown) => { this.storeFailed(request, reply, limiter, err, done) }
    )
  }

  private decide (request: FastifyRequest, reply: FastifyReply, limiter: Limiter, count: number, msLeft: number, done: HookHandlerDoneFunction): void {
    const max = limiter.tier.max
    const reset = String(Math.max(1, Math.ceil(msLeft / 1000)))
    if (count > max) {
      this.limited?.inc({ tier: limiter.tier.name })
      reply.header('retry-after', reset)
        .header('ratelimit-limit', limiter.limitHeader)
        .header('ratelimit-remaining', '0')
        .header('ratelimit-reset', reset)
      this.writer.send(request, reply, { status: 429, code: 'TOO_MANY_REQUESTS', detail: `Rate limit exceeded; retry in ${reset} s.` })
      return
    }
    if (this.options.addHeaders) {
      reply.header('ratelimit-limit', limiter.limitHeader)
        .header('ratelimit-remaining', String(max - count))
        .header('ratelimit-reset', reset)
    }
    // The same count gives both verdicts: no second store call for the slow-down.
    const delay = limiter.tier.delay
    if (delay !== undefined && count > delay.after && this.delays.wait(delayOf(delay, count), (early) => {
      // Cut short by a shutdown: served, then the keep-alive connection closes, so a close does not
      // wait for it (a request already routed when the close began gets no `Connection: close` from Fastify).
      if (early && request.raw.httpVersionMajor < 2) reply.header('connection', 'close')
      done()
    })) {
      this.delayed?.inc({ tier: limiter.tier.name })
      return
    }
    done()
  }

  private storeFailed (request: FastifyRequest, reply: FastifyReply, limiter: Limiter, err: unknown, done: HookHandlerDoneFunction): void {
    const policy = limiter.tier.onStoreError
    this.storeErrors?.inc({ tier: limiter.tier.name })
    this.warning.warn(err, policy === 'open'
      ? 'rate-limit store failed; letting requests through (onStoreError: open)'
      : 'rate-limit store failed; answering 503 (onStoreError: closed)', { tier: limiter.tier.name })
    if (policy === 'open') {
      done()
      return
    }
    reply.header('retry-after', '1')
    this.writer.send(request, reply, STORE_DOWN)
  }

  close (): void {
    this.delays.end()
    for (const limiter of this.limiters) limiter.memory?.close()
  }
}
