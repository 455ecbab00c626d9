import { Type, type TObject, type TSchema } from 'typebox'

/** The keyword `Secret()` adds to a schema; TypeBox validation ignores it. */
export const SECRET_KEYWORD = 'x-secret'

/** What a secret's value is replaced with wherever the config is printed or logged. */
export const SECRET_MASK = '[SECRET]'

export type TSecret<T extends TSchema> = T & { readonly 'x-secret': true }

/**
 * Marks a variable as secret: its value is masked in `JSON.stringify`, `util.inspect` and log output
 * of the config, left out of `Object.keys`, and never named in errors. Reading it by name returns it.
 *
 * ```ts
 * DATABASE_URL: Secret(Type.String({ format: 'uri' }))
 * ```
 */
export function Secret<T extends TSchema> (schema: T): TSecret<T> {
  return Type.With(schema, { [SECRET_KEYWORD]: true }) as unknown as TSecret<T>
}

export function isSecret (schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && (schema as Record<string, unknown>)[SECRET_KEYWORD] === true
}

/** Names of the variables of `schema` marked with `Secret()`, e.g. to hand to a log redactor. */
export function secretFields (schema: TObject): string[] {
  return Object.keys(schema.properties).filter((name) => isSecret(schema.properties[name]))
}
