import { Type, type TOptional, type TSchema } from 'typebox'

/** The keyword `RequiredInProduction()` adds to a schema; TypeBox validation ignores it. */
export const REQUIRED_IN_PRODUCTION_KEYWORD = 'x-required-in-production'

export type TRequiredInProduction<T extends TSchema> = TOptional<T> & { readonly 'x-required-in-production': true }

/**
 * A variable that must be set when NODE_ENV is `production` and may be absent otherwise; its type
 * is optional (`T | undefined`) because code also runs outside production.
 *
 * ```ts
 * SENTRY_DSN: RequiredInProduction(Type.String({ format: 'uri' }))
 * ```
 */
export function RequiredInProduction<T extends TSchema> (schema: T): TRequiredInProduction<T> {
  return Type.With(Type.Optional(schema), { [REQUIRED_IN_PRODUCTION_KEYWORD]: true }) as unknown as TRequiredInProduction<T>
}

export function isRequiredInProduction (schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[REQUIRED_IN_PRODUCTION_KEYWORD] === true
}

/** The NODE_ENV flags every config carries next to the schema's variables. */
export interface ConfigEnvironment {
  /** NODE_ENV as given (or the schema's default for NODE_ENV); `'development'` when unset or empty. */
  readonly nodeEnv: string
  /** `nodeEnv === 'production'` */
  readonly isProduction: boolean
  /** `nodeEnv === 'development'` */
  readonly isDevelopment: boolean
  /** `nodeEnv === 'test'` */
  readonly isTest: boolean
}

export function environmentOf (nodeEnv: string | undefined, schemaDefault: unknown): ConfigEnvironment {
  const given = [nodeEnv, schemaDefault].find((v): v is string => typeof v === 'string' && v !== '') ?? 'development'
  return {
    nodeEnv: given,
    isProduction: given === 'production',
    isDevelopment: given === 'development',
    isTest: given === 'test'
  }
}
