import createFastifyError, { type FastifyErrorConstructor } from '@fastify/error'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'

/** The error a package throws for a bad option: `FP_ERR_<PACKAGE>_OPTIONS`, naming the option and what it accepts. */
export function optionsError (code: string, packageName: string): FastifyErrorConstructor<{ code: string }, [string, string]> {
  return createFastifyError(code, `Invalid ${packageName} option %s: %s`, 500, TypeError) as FastifyErrorConstructor<{ code: string }, [string, string]>
}

/** The first schema violation as `[where, rule]` (`where` dotted, `(root)` for the whole value), or undefined. */
export function firstViolation (schema: TSchema, value: unknown): [string, string] | undefined {
  const [first] = Value.Errors(schema, value)
  if (first === undefined) return undefined
  const where = first.instancePath === '' ? '(root)' : first.instancePath.slice(1).replaceAll('/', '.')
  const rule = first.schemaPath.endsWith('additionalProperties') ? 'is not a known option' : first.message
  return [where, rule]
}

/** Throws `new OptionsError(where, rule + '; accepted: ' + accepted)` for the first violation. */
export function assertOptions (schema: TSchema, value: unknown, OptionsError: new (where: string, rule: string) => Error, accepted: string): void {
  const bad = firstViolation(schema, value)
  if (bad !== undefined) throw new OptionsError(bad[0], `${bad[1]}; accepted: ${accepted}`)
}
