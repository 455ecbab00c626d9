import fp from 'fastify-plugin'
import type { FastifyPluginAsync, FastifyPluginCallback } from 'fastify'
import errors from '@fastify-production/errors'
import config from '@fastify-production/config'
import logging from '@fastify-production/logging'
import metrics from '@fastify-production/metrics'
import health from '@fastify-production/health'
import dependencies from '@fastify-production/dependencies'
import security from '@fastify-production/security'
import shutdown from '@fastify-production/shutdown'
import compression from '@fastify-production/compression'
import tasks from '@fastify-production/tasks'
import { PACKAGE_KEYS, resolveOptions, type PackageKey, type ProductionOptions } from './options.js'
import { appFindings, metricsUnprotected, packageFindings, readRuntimeFacts, runtimeFindings, watchForwardedFor } from './risk.js'
import { readTrustProxy } from '@fastify-production/core'
import { codes } from './errors.js'

const PLUGINS: Readonly<Record<PackageKey, FastifyPluginCallback<never> | FastifyPluginAsync<never>>> = {
  errors, config, logging, metrics, dependencies, health, security, compression, tasks, shutdown
}

const productionPlugin: FastifyPluginAsync<ProductionOptions> = async function production (fastify, options) {
  const resolved = resolveOptions(options)
  const enabled: PackageKey[] = []
  const production = process.env.NODE_ENV === 'production'
  // Another plugin (fastify-metrics...) serves metrics already: with nothing said about ours, leave
  // ours out rather than refuse the boot (metrics itself refuses when its options were given).
  const metricsTaken = options.metrics === undefined && fastify.hasDecorator('metrics')
  if (metricsTaken) resolved.metrics = false
  for (const key of PACKAGE_KEYS) {
    const packageOptions = resolved[key]
    if (packageOptions === false) continue
    // metrics refuses to boot unprotected in production; with nothing said, the umbrella still boots,
    // leaves metrics out and says so (FP_WARN_METRICS_OFF) rather than exposing it or failing.
    if (key === 'metrics' && production && metricsUnprotected(resolved.metrics)) continue
    await fastify.register(PLUGINS[key], packageOptions as never)
    enabled.push(key)
  }

  // Whether a proxy stands in front is known at the first request that came through it, not at boot.
  if (production) watchForwardedFor(fastify, (f) => { fastify.log.warn({ code: f.code, fix: f.fix }, f.message) })

  fastify.addHook('onReady', async function startupReport () {
    fastify.log.info({ packages: enabled }, `fastify-production: ${enabled.length === 0 ? 'no packages' : enabled.join(', ')} on`)
    const findings = [
      ...runtimeFindings(readRuntimeFacts()),
      ...appFindings({ trustProxy: readTrustProxy(fastify), keepAliveTimeout: fastify.initialConfig.keepAliveTimeout }),
      ...packageFindings({ ...resolved, production, metricsTaken })
    ]
    for (const f of findings) fastify.log.warn({ code: f.code, fix: f.fix }, f.message)
    if (resolved.strict && findings.length > 0) {
      throw new codes.FP_ERR_PRODUCTION_STRICT(findings.map((f) => f.code).join(', '))
    }
  })
}

/** Registers every fastify-production package with safe defaults. */
export const production = fp(productionPlugin, { fastify: '5.x', name: 'fastify-production' })
export default production

export { serverOptions, type ServerOptions } from './server-options.js'
export type { ProductionOptions } from './options.js'
export { codes }
export { runtimeFindings, appFindings, packageFindings, readRuntimeFacts, type Finding, type RuntimeFacts, type AppFacts } from './risk.js'
export * from '@fastify-production/errors'
export { loadConfig, Secret, RequiredInProduction, Type, type Static, type Config } from '@fastify-production/config'
export { getLogger, requestContext, loggerOptions, requestIdOptions } from '@fastify-production/logging'
export type { ConfigOptions } from '@fastify-production/config'
export type { LoggingOptions } from '@fastify-production/logging'
export type { MetricsOptions, FastifyMetrics } from '@fastify-production/metrics'
export type { HealthOptions, HealthCheckFunction } from '@fastify-production/health'
export type { SecurityOptions } from '@fastify-production/security'
export type { ShutdownOptions } from '@fastify-production/shutdown'
export type { CompressionOptions } from '@fastify-production/compression'
export { clientGone, type TasksOptions, type RunTaskOptions } from '@fastify-production/tasks'
export { Dependency, dependency, pgDependency, redisDependency, httpDependency, HttpStatusError, CallCancelled, type DependenciesOptions, type DependencyDefinition, type CallOptions, type PgDependency, type HttpDependency } from '@fastify-production/dependencies'
