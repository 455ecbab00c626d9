import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { load, type Loaded } from './load.js'
import { resolveConfigOptions, type ConfigOptions } from './options.js'
import { handSecretsToLogging } from './logging-handoff.js'
import { codes } from './errors.js'

/** fastify-plugin name of @fastify/env, the common plugin that decorates `fastify.config`. */
const FASTIFY_ENV = '@fastify/env'

// No `declare module 'fastify'` for `fastify.config`: apps (and @fastify/env users) declare that
// property themselves, and a second declaration with another type breaks their type check. The
// README shows the one line: `config: Config<typeof schema>`.

/**
 * A plugin registered later that decorates the same name (@fastify/env after the umbrella) would
 * meet Fastify's bare FST_ERR_DEC_ALREADY_PRESENT: say instead whose name it is and how to fix it.
 * Fastify has no hook between another plugin starting and its decorate(), so this wraps decorate on
 * the instance config decorated (children inherit it, and Fastify refuses the name there too).
 */
function refuseLaterDecorator (fastify: FastifyInstance, name: string): void {
  const decorate = fastify.decorate
  fastify.decorate = function decorateUnlessConfig (this: FastifyInstance, property: string | symbol, ...rest: unknown[]) {
    if (property === name) throw new codes.FP_ERR_CONFIG_DECORATED_LATER(name)
    return (decorate as (...args: unknown[]) => FastifyInstance).call(this, property, ...rest)
  } as FastifyInstance['decorate']
}

const configPlugin: FastifyPluginAsync<ConfigOptions> = async function config (fastify, options) {
  const resolved = resolveConfigOptions(options)
  const name = resolved.decorator
  const owner = fastify.hasPlugin(FASTIFY_ENV) ? FASTIFY_ENV : 'another plugin'
  const taken = fastify.hasDecorator(name)
  if (taken && resolved.schemaGiven) {
    const fix = owner === FASTIFY_ENV ? `remove ${FASTIFY_ENV} and let this package validate the environment` : 'rename that plugin\'s decorator'
    const err = new codes.FP_ERR_CONFIG_DECORATOR_TAKEN(owner, name, fix)
    fastify.log.fatal({ err }, 'configuration cannot be decorated: the app cannot start')
    throw err
  }
  let loaded: Loaded
  try {
    loaded = load(resolved)
  } catch (err) {
    // Our errors name variables, rules, a path or an errno, never a value: the whole error is safe to log.
    fastify.log.fatal({ err }, 'configuration invalid: the app cannot start')
    throw err
  }
  const { config, secrets, names } = loaded
  if (taken) {
    // No schema: nothing of ours to put there; the other plugin keeps the name.
    fastify.addHook('onReady', function configLeftToOtherPlugin (done) {
      fastify.log.info({ decorator: name }, `config: fastify.${name} is left to ${owner}; give this package a \`schema\` (and a \`decorator\` name) to validate the environment with it too`)
      done()
    })
  } else {
    fastify.decorate<object, string>(name, { getter: () => config })
    refuseLaterDecorator(fastify, name)
  }

  // The umbrella registers config before logging: when logging is not there yet, try again once booted.
  if (secrets.length > 0 && !handSecretsToLogging(fastify, secrets)) {
    fastify.addHook('onReady', function configSecretsToLogging (done) {
      handSecretsToLogging(this, secrets)
      done()
    })
  }

  const prefix = resolved.unknownPrefix
  if (prefix !== undefined) {
    const unknown = names.filter((variable) => variable.startsWith(prefix) && !Object.hasOwn(resolved.schema.properties, variable)).sort()
    if (unknown.length > 0) fastify.log.debug({ unknown }, 'configuration variables not in the schema were ignored')
  }
}

/** Validates the environment at boot and decorates `fastify.config` (or `decorator`), frozen, secrets masked. */
export const config = fp(configPlugin, { fastify: '5.x', name: '@fastify-production/config' })
export default config

export { loadConfig, type Config, type ConfigIssue, type ConfigInvalidError } from './load.js'
export type { ConfigOptions, LoadConfigOptions } from './options.js'
export { Secret, secretFields, SECRET_MASK, type TSecret } from './secret.js'
export { RequiredInProduction, type TRequiredInProduction, type ConfigEnvironment } from './production.js'
export { codes } from './errors.js'
export { Type, type Static, type TObject } from 'typebox'
