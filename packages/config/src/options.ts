import { resolve } from 'node:path'
import { Type, type TObject } from 'typebox'
import { firstViolation } from '@fastify-production/core'
import { codes } from './errors.js'

/** Where the variables come from. Used by `loadConfig` and the plugin. */
export interface LoadConfigOptions {
  /** The variables to read; strings, as in the environment. @default process.env */
  source?: Readonly<Record<string, string | undefined>>
  /** Also read a .env file (Node's parser): `true` for `.env` in `process.cwd()`, skipped when absent; a path, which must exist. `source` wins over the file. @default false */
  dotenv?: boolean | string
}

export interface ConfigOptions<S extends TObject = TObject> extends LoadConfigOptions {
  /** The environment as a TypeBox `Type.Object`: names, types, defaults, `Secret()` and `RequiredInProduction()` marks. @default Type.Object({}) (only the NODE_ENV flags) */
  schema?: S
  /** Log at `debug` the names (never values) of variables not in the schema: `true` for all, a string for those starting with it. @default false */
  reportUnknown?: boolean | string
  /** The name of the decorator the config is put under: `fastify.<decorator>`. Another name leaves `config` to a plugin that has it (@fastify/env). @default 'config' */
  decorator?: string
}

export interface ResolvedLoadOptions {
  schema: TObject
  source: Readonly<Record<string, string | undefined>>
  dotenv: { path: string, required: boolean } | undefined
}

export interface ResolvedConfigOptions extends ResolvedLoadOptions {
  /** Prefix of the names to report; undefined: do not report. */
  unknownPrefix: string | undefined
  decorator: string
  /** Whether a schema was given: with none, a `config` decorator of another plugin is left alone. */
  schemaGiven: boolean
}

/** Names the config object itself uses; a schema may not declare them. */
export const RESERVED_NAMES: readonly string[] = ['nodeEnv', 'isProduction', 'isDevelopment', 'isTest', 'toJSON']

const ObjectSchema = Type.Object({
  type: Type.Literal('object'),
  properties: Type.Record(Type.String(), Type.Object({}))
})
const SchemaOnly = Type.Object({ schema: ObjectSchema })
const Source = Type.Record(Type.String(), Type.Union([Type.String(), Type.Undefined()]))
const Dotenv = Type.Union([Type.Boolean(), Type.String({ minLength: 1 })])

const LoadOptionsSchema = Type.Object({
  source: Type.Optional(Source),
  dotenv: Type.Optional(Dotenv)
}, { additionalProperties: false })

const PluginOptionsSchema = Type.Object({
  schema: Type.Optional(ObjectSchema),
  source: Type.Optional(Source),
  dotenv: Type.Optional(Dotenv),
  reportUnknown: Type.Optional(Type.Union([Type.Boolean(), Type.String({ minLength: 1 })])),
  decorator: Type.Optional(Type.String({ pattern: '^[A-Za-z_$][A-Za-z0-9_$]*$' }))
}, { additionalProperties: false })

const ACCEPTED = 'schema (a TypeBox Type.Object), source (object of string values), dotenv (boolean or a file path), ' +
  'reportUnknown (boolean or a name prefix), decorator (a JavaScript identifier)'

function validate (schema: TObject, value: unknown): void {
  const bad = firstViolation(schema, value)
  if (bad === undefined) return
  // The option only: a deeper path would name a variable of `source` (never its value, but no need).
  throw new codes.FP_ERR_CONFIG_OPTIONS(bad[0].split('.')[0] as string, `${bad[1]}; accepted: ${ACCEPTED}`)
}

function checkSchema (schema: unknown): TObject {
  validate(SchemaOnly, { schema })
  const names = Object.keys((schema as TObject).properties)
  const reserved = names.find((name) => RESERVED_NAMES.includes(name))
  if (reserved !== undefined) {
    throw new codes.FP_ERR_CONFIG_OPTIONS('schema', `declares "${reserved}", a name the config itself uses (${RESERVED_NAMES.join(', ')})`)
  }
  return schema as TObject
}

function resolveDotenv (dotenv: boolean | string | undefined): ResolvedLoadOptions['dotenv'] {
  if (dotenv === undefined || dotenv === false) return undefined
  return dotenv === true ? { path: resolve('.env'), required: false } : { path: resolve(dotenv), required: true }
}

export function resolveLoadOptions (schema: unknown, options: unknown): ResolvedLoadOptions {
  validate(LoadOptionsSchema, options)
  const opts = options as LoadConfigOptions
  return { schema: checkSchema(schema), source: opts.source ?? process.env, dotenv: resolveDotenv(opts.dotenv) }
}

export function resolveConfigOptions (options: unknown): ResolvedConfigOptions {
  validate(PluginOptionsSchema, options)
  const opts = options as ConfigOptions
  const report = opts.reportUnknown ?? false
  return {
    schema: opts.schema === undefined ? Type.Object({}) : checkSchema(opts.schema),
    source: opts.source ?? process.env,
    dotenv: resolveDotenv(opts.dotenv),
    unknownPrefix: report === false ? undefined : report === true ? '' : report,
    decorator: opts.decorator ?? 'config',
    schemaGiven: opts.schema !== undefined
  }
}
