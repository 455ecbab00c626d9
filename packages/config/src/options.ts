import { resolve } from 'node:path'
import { Type, type TObject } from 'typebox'
import { Value } from 'typebox/value'
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
}

export interface ResolvedLoadOptions {
  schema: TObject
  source: Readonly<Record<string, string | undefined>>
  dotenv: { path: string, required: boolean } | undefined
}

export interface ResolvedConfigOptions extends ResolvedLoadOptions {
  /** Prefix of the names to report; undefined: do not report. */
  unknownPrefix: string | undefined
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
  reportUnknown: Type.Optional(Type.Union([Type.Boolean(), Type.String({ minLength: 1 })]))
}, { additionalProperties: false })

const ACCEPTED = 'schema (a TypeBox Type.Object), source (object of string values), dotenv (boolean or a file path), reportUnknown (boolean or a name prefix)'

function validate (schema: TObject, value: unknown): void {
  const [first] = Value.Errors(schema, value)
  if (first === undefined) return
  const option = first.instancePath.split('/')[1]
  // An unknown key fails as `additionalProperties`, i.e. the boolean schema `false`.
  const rule = first.schemaPath.endsWith('additionalProperties') ? 'is not a known option' : first.message
  throw new codes.FP_ERR_CONFIG_OPTIONS(option ?? '(root)', `${rule}; accepted: ${ACCEPTED}`)
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
    unknownPrefix: report === false ? undefined : report === true ? '' : report
  }
}
