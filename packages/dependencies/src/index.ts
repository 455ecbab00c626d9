import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import { find, HealthCap, lifecycle, MetricsCap, ShutdownCap } from '@fastify-production/core'
import { Dependency } from './dependency.js'
import { codes } from './errors.js'
import { NAME, type DependencyDefinition } from './options.js'
import { requestSignal } from './request-signal.js'
import { telemetry, type Telemetry } from './telemetry.js'

/** The plugin's options: each key names a dependency, made by `dependency()`/an adapter, or a plain definition. */
export type DependenciesOptions = Record<string, Dependency | DependencyDefinition>

/** `fastify.dependencies`: the app's dependencies. */
export interface DependenciesDecorator {
  /** The dependency registered under `name` (throws FP_ERR_DEPENDENCIES_OPTIONS for an unknown one). */
  get: (name: string) => Dependency
  /** Registers one more, before the app is ready. */
  add: (name: string, dependency: Dependency | DependencyDefinition) => Dependency
  /** The names, in declaration order. */
  names: () => string[]
  /** The signal that aborts when this request's client goes away (made on first use). */
  signal: (request: FastifyRequest) => AbortSignal
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's dependencies, from @fastify-production/dependencies. */
    dependencies: DependenciesDecorator
  }
}

const dependenciesPlugin: FastifyPluginAsync<DependenciesOptions> = async function dependencies (fastify, options) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new codes.FP_ERR_DEPENDENCIES_OPTIONS('(root)', 'must be an object of { [name]: dependency or definition }')
  }
  const app = lifecycle(fastify)
  const registry = new Map<string, Dependency>()
  const holds = new Map<string, () => void>()
  const checked = new Set<string>()
  let metricsOf: ((name: string) => Telemetry) | undefined
  let started = false
  let startupFailure: Error | undefined

  // Health and metrics may be registered before or after this plugin: bind now and again at ready.
  const bindHealth = (fastify: FastifyInstance): void => {
    const health = find(fastify, HealthCap)
    if (health === undefined) return
    for (const [name, dep] of registry) {
      if (checked.has(name)) continue
      checked.add(name)
      // A little over checkTimeout: the call's own timeout fires first, so the breaker counts it.
      health.addCheck(name, (signal) => dep.check(signal), { critical: dep.critical, timeout: dep.options.checkTimeout + 250 })
    }
  }

  const add = (name: string, value: Dependency | DependencyDefinition): Dependency => {
    if (typeof name !== 'string' || !NAME.test(name)) throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(JSON.stringify(String(name)), `a dependency name must match ${NAME.source}`)
    if (started) throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(name, 'dependencies are added before the app is ready')
    if (registry.has(name)) throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(name, 'a dependency with this name exists already')
    if (typeof value !== 'object' || value === null) throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(name, 'must be a dependency (dependency(), an adapter) or a definition object')
    const dep = value instanceof Dependency ? value : new Dependency(value, name)
    dep.attach({
      name,
      log: fastify.log,
      observe: (outcome, seconds) => { telemetryOf(name)?.observe(outcome, seconds) },
      retried: () => { telemetryOf(name)?.retried() }
    })
    registry.set(name, dep)
    for (const advice of dep.advice) fastify.log.warn({ dependency: name }, `dependency ${name}: ${advice}`)
    if (dep.critical) holds.set(name, app.hold(`dependencies.${name}`))
    bindHealth(fastify)
    return dep
  }

  const cache = new Map<string, Telemetry>()
  const telemetryOf = (name: string): Telemetry | undefined => {
    if (metricsOf === undefined) return undefined
    let made = cache.get(name)
    if (made === undefined) {
      made = metricsOf(name)
      cache.set(name, made)
    }
    return made
  }

  for (const [name, value] of Object.entries(options)) add(name, value)

  const decorator: DependenciesDecorator = {
    get (name) {
      const dep = registry.get(name)
      if (dep === undefined) throw new codes.FP_ERR_DEPENDENCIES_OPTIONS(String(name), `no dependency of that name; registered: ${[...registry.keys()].join(', ') || 'none'}`)
      return dep
    },
    add,
    names: () => [...registry.keys()],
    signal: requestSignal
  }
  fastify.decorate('dependencies', decorator)

  fastify.addHook('onReady', async function dependenciesReady () {
    started = true
    bindHealth(fastify)
    const metrics = find(fastify, MetricsCap)
    if (metrics !== undefined && registry.size > 0) metricsOf = telemetry(metrics, () => registry.entries())
    // Ready waits for one attempt each (bounded by its timeout): an app whose dependencies are up is
    // ready when ready() resolves. The retries run in the background: the app listens meanwhile, and
    // its startup probe answers 503 until the critical ones connect.
    let pending = registry.size
    let tried!: () => void
    const firstAttempts = new Promise<void>((resolve) => { tried = () => { if (--pending === 0) resolve() } })
    for (const [name, dep] of registry) {
      dep.connect(tried).then((connected) => {
        if (connected) {
          holds.get(name)?.()
          return
        }
        if (dep.status !== 'failed') return
        startupFailure ??= new codes.FP_ERR_DEPENDENCIES_STARTUP(name, dep.options.startup.deadline, 'the app cannot serve without it')
        find(fastify, ShutdownCap)?.trigger(`dependency ${name} did not connect`)
      }, noop)
    }
    if (registry.size > 0) await firstAttempts
  })

  fastify.addHook('onClose', async function dependenciesClose () {
    // After the server closed and in-flight requests ended; the last declared is the first closed.
    for (const dep of [...registry.values()].reverse()) await dep.close()
    // A critical dependency never came up: closing is a failure, so shutdown exits 1.
    if (startupFailure !== undefined) throw startupFailure
  })
}

// Only the rejection handler of connect(), which never rejects.
/* c8 ignore next */
function noop (): void {}

/** Databases, caches and upstream APIs with a lifecycle, and outbound calls that cannot hang. */
export const dependencies = fp(dependenciesPlugin, { fastify: '5.x', name: '@fastify-production/dependencies' })
export default dependencies

export { Dependency, dependency, type CallOptions, type CircuitState, type DependencyStatus, type CallOutcome, type RetryAfterHint } from './dependency.js'
export type { DependencyDefinition, RetryOptions, BreakerOptions, StartupOptions, ErrorKind } from './options.js'
export { CallCancelled } from './request-signal.js'
export { pgDependency, classifyPgError, type PgDependency, type PgPoolLike } from './pg.js'
export { redisDependency, classifyRedisError, type RedisDependency, type RedisLike } from './redis.js'
export { httpDependency, HttpStatusError, classifyHttpError, type HttpDependency, type HttpDependencyOptions, type HttpRequestOptions, type HttpResponse } from './http.js'
export { codes }
