import { inspect, type InspectOptionsStylized } from 'node:util'
import type { Static, TObject } from 'typebox'
import { check, coerce, type Coerced } from './coerce.js'
import { readDotenv } from './dotenv.js'
import { codes } from './errors.js'
import { resolveLoadOptions, type LoadConfigOptions, type ResolvedLoadOptions } from './options.js'
import { environmentOf, isRequiredInProduction, type ConfigEnvironment } from './production.js'
import { SECRET_MASK, secretFields } from './secret.js'

/** The loaded configuration: the schema's static type, read-only, plus the NODE_ENV flags. */
export type Config<S extends TObject> = Readonly<Static<S>> & ConfigEnvironment

/** One variable at fault and the rule it broke. Never its value. */
export interface ConfigIssue {
  readonly variable: string
  readonly rule: string
}

/** What `FP_ERR_CONFIG_INVALID` carries besides its message. */
export interface ConfigInvalidError extends Error {
  readonly code: 'FP_ERR_CONFIG_INVALID'
  readonly issues: readonly ConfigIssue[]
}

export interface Loaded {
  config: object
  /** Names of the variables marked `Secret()`. */
  secrets: string[]
  /** Every variable name seen in the source and the .env file. */
  names: string[]
}

type Schema = Readonly<Record<string, unknown>>

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

function invalid (issues: ConfigIssue[]): ConfigInvalidError {
  const err = new codes.FP_ERR_CONFIG_INVALID(issues.map((issue) => `${issue.variable}: ${issue.rule}`).join('; '))
  return Object.assign(err, { issues: Object.freeze(issues.map((issue) => Object.freeze(issue))) }) as unknown as ConfigInvalidError
}

// Secrets are own, non-enumerable properties: read by name they are the real value, yet loops, spreads,
// Object.keys and pino's merging of a logged object never reach them; toJSON and inspect show the mask.
function build (values: Map<string, unknown>, secrets: ReadonlySet<string>, env: ConfigEnvironment): object {
  const config = {}
  const masked = {}
  for (const [name, value] of values) {
    const secret = secrets.has(name)
    Object.defineProperty(config, name, { value: deepFreeze(value), enumerable: !secret })
    Object.defineProperty(masked, name, { value: secret ? SECRET_MASK : value, enumerable: true })
  }
  Object.freeze(masked)
  Object.defineProperties(config, {
    nodeEnv: { value: env.nodeEnv },
    isProduction: { value: env.isProduction },
    isDevelopment: { value: env.isDevelopment },
    isTest: { value: env.isTest },
    toJSON: { value: () => masked },
    [inspect.custom]: { value: (_depth: number, options: InspectOptionsStylized) => inspect(masked, options) }
  })
  return Object.freeze(config)
}

function resolveField (field: Schema, raw: string | undefined, required: boolean, env: ConfigEnvironment): Coerced | undefined {
  if (raw !== undefined) return coerce(field, raw)
  if (field.default !== undefined) {
    const value = structuredClone(field.default)
    const rule = check(field, value)
    return rule === undefined ? { ok: true, value } : { ok: false, rule: `the schema's default is ${rule}` }
  }
  if (required) return { ok: false, rule: 'missing' }
  if (env.isProduction && isRequiredInProduction(field)) return { ok: false, rule: 'missing (required in production)' }
  return undefined
}

export function load (opts: ResolvedLoadOptions): Loaded {
  const vars = opts.dotenv === undefined ? new Map<string, string>() : readDotenv(opts.dotenv.path, opts.dotenv.required)
  for (const [name, value] of Object.entries(opts.source)) {
    if (value !== undefined) vars.set(name, value)
  }
  const properties = opts.schema.properties as Record<string, Schema>
  const required = new Set<unknown>(Array.isArray(opts.schema.required) ? opts.schema.required : [])
  const env = environmentOf(vars.get('NODE_ENV'), properties.NODE_ENV?.default)
  const values = new Map<string, unknown>()
  const issues: ConfigIssue[] = []
  for (const [name, field] of Object.entries(properties)) {
    const result = resolveField(field, vars.get(name), required.has(name), env)
    if (result === undefined) continue
    if (result.ok) values.set(name, result.value)
    else issues.push({ variable: name, rule: result.rule })
  }
  if (issues.length > 0) throw invalid(issues)
  const secrets = secretFields(opts.schema)
  return { config: build(values, new Set(secrets), env), secrets, names: [...vars.keys()] }
}

/**
 * Reads, coerces and validates the environment against `schema`, before any app exists (to read
 * PORT, say). Throws `FP_ERR_CONFIG_INVALID` listing every variable at fault, never a value.
 *
 * ```ts
 * const env = loadConfig(Type.Object({ PORT: Type.Integer({ default: 3000 }) }), { dotenv: true })
 * await app.listen({ port: env.PORT })
 * ```
 */
export function loadConfig<S extends TObject> (schema: S, options: LoadConfigOptions = {}): Config<S> {
  return load(resolveLoadOptions(schema, options)).config as Config<S>
}
