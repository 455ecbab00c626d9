import { Value } from 'typebox/value'
import type { TLocalizedValidationError } from 'typebox/error'

/** The outcome of turning one variable's string into its schema's type. A failure names the rule, never the value. */
export type Coerced = { ok: true, value: unknown } | { ok: false, rule: string }

type Schema = Readonly<Record<string, unknown>>

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['true', true], ['yes', true], ['1', true],
  ['false', false], ['no', false], ['0', false]
])

const ok = (value: unknown): Coerced => ({ ok: true, value })
const fail = (rule: string): Coerced => ({ ok: false, rule })

function asSchema (value: unknown): Schema {
  return typeof value === 'object' && value !== null ? value as Schema : {}
}

function article (type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** The allowed values when the schema is an enum, a literal, or a union of literals. */
function choicesOf (schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum
  if ('const' in schema) return [schema.const]
  if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) {
    const all: unknown[] = []
    for (const member of schema.anyOf) {
      const choices = choicesOf(asSchema(member))
      if (choices === undefined) return undefined
      all.push(...choices)
    }
    return all
  }
  return undefined
}

function describe (schema: Schema): string {
  const choices = choicesOf(schema)
  if (choices !== undefined) return `one of ${choices.map(String).join(', ')}`
  return typeof schema.type === 'string' ? article(schema.type) : 'matching its schema'
}

// Built from the schema's side of the error only (keyword, limits, formats): never from the value.
function ruleOf (error: TLocalizedValidationError): string {
  const params = error.params as Record<string, unknown>
  const at = error.schemaPath === '#' || error.schemaPath === '' ? '' : ` at ${error.schemaPath}`
  const limit = String(params.limit)
  let rule: string
  switch (error.keyword) {
    case 'type': rule = `not ${[params.type].flat().map(String).map(article).join(' or ')}`; break
    case 'format': rule = `not a valid ${String(params.format)}`; break
    case 'minLength': rule = `shorter than ${limit} characters`; break
    case 'maxLength': rule = `longer than ${limit} characters`; break
    case 'pattern': rule = `does not match the pattern ${String(params.pattern)}`; break
    case 'minimum': rule = `less than ${limit}`; break
    case 'maximum': rule = `greater than ${limit}`; break
    case 'exclusiveMinimum': rule = `not greater than ${limit}`; break
    case 'exclusiveMaximum': rule = `not less than ${limit}`; break
    case 'multipleOf': rule = `not a multiple of ${String(params.multipleOf)}`; break
    case 'minItems': rule = `fewer than ${limit} items`; break
    case 'maxItems': rule = `more than ${limit} items`; break
    case 'uniqueItems': rule = 'has duplicate items'; break
    case 'enum': rule = `not one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`; break
    case 'const': rule = `not ${String(params.allowedValue)}`; break
    case 'required': rule = `missing ${(params.requiredProperties as unknown[]).map(String).join(', ')}`; break
    // A Refine message is built by a callback that receives the value: it may quote it.
    case '~refine': rule = 'fails its refinement check'; break
    // `additionalProperties: false` fails as the boolean schema `false`.
    case 'boolean': rule = 'not allowed'; break
    // additionalProperties and the like carry names taken from the value: name the keyword only.
    default: rule = `fails the "${error.keyword}" rule`
  }
  return rule + at
}

/** The first rule `value` breaks, or undefined when it matches the schema. */
export function check (schema: Schema, value: unknown): string | undefined {
  const [first] = Value.Errors(schema, value)
  return first === undefined ? undefined : ruleOf(first)
}

function convert (schema: Schema, raw: string): Coerced {
  const choices = choicesOf(schema)
  if (choices !== undefined) {
    const index = choices.findIndex((choice) => String(choice) === raw)
    return index === -1 ? fail(`not one of ${choices.map(String).join(', ')}`) : ok(choices[index])
  }
  if (Array.isArray(schema.anyOf)) {
    for (const member of schema.anyOf) {
      const attempt = coerce(asSchema(member), raw)
      if (attempt.ok) return attempt
    }
    return fail(`not ${schema.anyOf.map((member) => describe(asSchema(member))).join(' or ')}`)
  }
  switch (schema.type) {
    case 'integer': {
      if (!INTEGER.test(raw)) return fail('not an integer')
      const n = Number(raw)
      return Number.isSafeInteger(n) ? ok(n) : fail('not a safe integer (beyond ±2^53)')
    }
    case 'number': {
      if (!DECIMAL.test(raw)) return fail('not a number')
      const n = Number(raw)
      return Number.isFinite(n) ? ok(n) : fail('not a finite number')
    }
    case 'boolean': {
      const b = BOOLEANS.get(raw.toLowerCase())
      return b === undefined ? fail('not a boolean (true, false, 1, 0, yes, no)') : ok(b)
    }
    case 'array': {
      if (raw.trim() === '') return ok([])
      const items = asSchema(schema.items)
      const out: unknown[] = []
      for (const [index, part] of raw.split(',').entries()) {
        const item = coerce(items, part.trim())
        if (!item.ok) return fail(`item ${index + 1}: ${item.rule}`)
        out.push(item.value)
      }
      return ok(out)
    }
    case 'object': {
      let parsed: unknown
      try {
        parsed = JSON.parse(raw)
      } catch {
        return fail('not valid JSON')
      }
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? ok(parsed) : fail('not a JSON object')
    }
    default:
      return ok(raw)
  }
}

/**
 * Turns one variable's string into the schema's type and checks it: numbers written in decimal and
 * finite, booleans from a fixed word list, enums by their string form, comma-separated arrays, JSON
 * objects; strings as given.
 */
export function coerce (schema: Schema, raw: string): Coerced {
  const converted = convert(schema, raw)
  if (!converted.ok) return converted
  const rule = check(schema, converted.value)
  return rule === undefined ? converted : fail(rule)
}
