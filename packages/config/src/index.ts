import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { load, type Loaded } from './load.js'
import { resolveConfigOptions, type ConfigOptions } from './options.js'
import { handSecretsToLogging } from './logging-handoff.js'
import type { ConfigEnvironment } from './production.js'

/**
 * The type of `fastify.config`. Fastify decorators cannot be typed per registration, so declare the
 * schema's type here once, next to the schema:
 *
 * ```ts
 * declare module '@fastify-production/config' {
 *   interface FastifyProductionConfig extends Static<typeof schema> {}
 * }
 * ```
 */
export interface FastifyProductionConfig {}

declare module 'fastify' {
  interface FastifyInstance {
    /** The environment, validated at boot, frozen; secrets masked when printed or logged. */
    readonly config: Readonly<FastifyProductionConfig> & ConfigEnvironment
  }
}

const configPlugin: FastifyPluginAsync<ConfigOptions> = async function config (fastify, options) {
  const resolved = resolveConfigOptions(options)
  let loaded: Loaded
  try {
    loaded = load(resolved)
  } catch (err) {
    // Our errors name variables, rules, a path or an errno, never a value: the whole error is safe to log.
    fastify.log.fatal({ err }, 'configuration invalid: the app cannot start')
    throw err
  }
  const { config, secrets, names } = loaded
  fastify.decorate('config', { getter: () => config as FastifyInstance['config'] })

  // The umbrella registers config before logging: when logging is not there yet, try again once booted.
  if (secrets.length > 0 && !handSecretsToLogging(fastify, secrets)) {
    fastify.addHook('onReady', function configSecretsToLogging (done) {
      handSecretsToLogging(this, secrets)
      done()
    })
  }

  const prefix = resolved.unknownPrefix
  if (prefix !== undefined) {
    const unknown = names.filter((name) => name.startsWith(prefix) && !Object.hasOwn(resolved.schema.properties, name)).sort()
    if (unknown.length > 0) fastify.log.debug({ unknown }, 'configuration variables not in the schema were ignored')
  }
}

/** Validates the environment at boot and decorates `fastify.config`, typed and frozen, secrets masked. */
export const config = fp(configPlugin, { fastify: '5.x', name: '@fastify-production/config' })
export default config

export { loadConfig, type Config, type ConfigIssue, type ConfigInvalidError } from './load.js'
export type { ConfigOptions, LoadConfigOptions } from './options.js'
export { Secret, secretFields, SECRET_MASK, type TSecret } from './secret.js'
export { RequiredInProduction, type TRequiredInProduction, type ConfigEnvironment } from './production.js'
export { codes } from './errors.js'
export { Type, type Static, type TObject } from 'typebox'
