import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import errors from '@fastify-production/errors'
import { resolveOptions, type ProductionOptions } from './options.js'
import { appFindings, readRuntimeFacts, runtimeFindings } from './risk.js'
import { readTrustProxy } from './trust-proxy.js'
import { codes } from './errors.js'

const productionPlugin: FastifyPluginAsync<ProductionOptions> = async function production (fastify, options) {
  const resolved = resolveOptions(options)
  const enabled: string[] = []
  if (resolved.errors !== false) {
    await fastify.register(errors, resolved.errors)
    enabled.push('errors')
  }
  fastify.addHook('onReady', async function startupReport () {
    fastify.log.info({ packages: enabled }, `fastify-production: ${enabled.length === 0 ? 'no packages' : enabled.join(', ')} on`)
    const findings = [
      ...runtimeFindings(readRuntimeFacts()),
      ...appFindings({ trustProxy: readTrustProxy(fastify), keepAliveTimeout: fastify.initialConfig.keepAliveTimeout })
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
export { runtimeFindings, appFindings, readRuntimeFacts, type Finding, type RuntimeFacts, type AppFacts } from './risk.js'
export * from '@fastify-production/errors'
