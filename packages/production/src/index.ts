import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import errors from '@fastify-production/errors'
import { resolveOptions, type ProductionOptions } from './options.js'

const productionPlugin: FastifyPluginAsync<ProductionOptions> = async function production (fastify, options) {
  const resolved = resolveOptions(options)
  const enabled: string[] = []
  if (resolved.errors !== false) {
    await fastify.register(errors, resolved.errors)
    enabled.push('errors')
  }
  fastify.addHook('onReady', async function startupReport () {
    fastify.log.info({ packages: enabled }, `fastify-production: ${enabled.length === 0 ? 'no packages' : enabled.join(', ')} on`)
  })
}

/** Registers every fastify-production package with safe defaults. */
export const production = fp(productionPlugin, { fastify: '5.x', name: 'fastify-production' })
export default production

export { serverOptions, type ServerOptions } from './server-options.js'
export type { ProductionOptions } from './options.js'
export { codes } from './errors.js'
export * from '@fastify-production/errors'
