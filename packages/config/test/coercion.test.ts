import t, { type Test } from 'tap'
import { Type, type TSchema } from 'typebox'
import { loadConfig } from '../src/index.js'

// One variable X of the given schema, read from `raw`.
function read (schema: TSchema, raw: string | undefined): unknown {
  return (loadConfig(Type.Object({ X: schema }), { source: { X: raw } }) as unknown as Record<string, unknown>).X
}

function rejects (t: Test, schema: TSchema, raw: string, rule: string): void {
  t.throws(() => read(schema, raw), { code: 'FP_ERR_CONFIG_INVALID', issues: [{ variable: 'X', rule }] }, `${JSON.stringify(raw)} is refused: ${rule}`)
}

t.test('integers: decimal digits with an optional sign, safe range only', async (t) => {
  t.equal(read(Type.Integer(), '3000'), 3000)
  t.equal(read(Type.Integer(), '-42'), -42)
  t.equal(read(Type.Integer(), '+7'), 7)
  t.equal(read(Type.Integer(), '007'), 7)
  for (const raw of ['3000abc', '', ' 3000', '3.5', '1e3', '0x10', 'Infinity', 'abc']) rejects(t, Type.Integer(), raw, 'not an integer')
  rejects(t, Type.Integer(), '99999999999999999999', 'not a safe integer (beyond ±2^53)')
  rejects(t, Type.Integer({ minimum: 1, maximum: 65535 }), '0', 'less than 1')
  rejects(t, Type.Integer({ minimum: 1, maximum: 65535 }), '70000', 'greater than 65535')
})

t.test('numbers: decimal and exponent notation, finite only', async (t) => {
  t.equal(read(Type.Number(), '0.25'), 0.25)
  t.equal(read(Type.Number(), '.5'), 0.5)
  t.equal(read(Type.Number(), '-3.'), -3)
  t.equal(read(Type.Number(), '1e3'), 1000)
  t.equal(read(Type.Number(), '2.5E-1'), 0.25)
  for (const raw of ['3000abc', '', '1,5', '0x10', 'NaN', 'Infinity', '.', '1e']) rejects(t, Type.Number(), raw, 'not a number')
  rejects(t, Type.Number(), '1e400', 'not a finite number')
  rejects(t, Type.Number(), '-1e400', 'not a finite number')
  rejects(t, Type.Number({ exclusiveMinimum: 0 }), '0', 'not greater than 0')
  rejects(t, Type.Number({ exclusiveMaximum: 1 }), '1', 'not less than 1')
  rejects(t, Type.Number({ multipleOf: 0.5 }), '0.3', 'not a multiple of 0.5')
})

t.test('booleans: true/false/1/0/yes/no in any case, nothing else', async (t) => {
  for (const raw of ['true', 'TRUE', 'True', '1', 'yes', 'YES']) t.equal(read(Type.Boolean(), raw), true, raw)
  for (const raw of ['false', 'FALSE', '0', 'no', 'No']) t.equal(read(Type.Boolean(), raw), false, raw)
  for (const raw of ['', 'on', 'off', 'y', 'n', '2', 'true ', 'enabled']) {
    rejects(t, Type.Boolean(), raw, 'not a boolean (true, false, 1, 0, yes, no)')
  }
})

t.test('string enums: a union of literals, Type.Enum, a single literal', async (t) => {
  const level = Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn')])
  t.equal(read(level, 'info'), 'info')
  rejects(t, level, 'INFO', 'not one of debug, info, warn')
  rejects(t, level, 'trace', 'not one of debug, info, warn')
  t.equal(read(Type.Enum(['a', 'b']), 'b'), 'b')
  rejects(t, Type.Enum(['a', 'b']), 'c', 'not one of a, b')
  t.equal(read(Type.Literal('on'), 'on'), 'on')
  rejects(t, Type.Literal('on'), 'off', 'not one of on')
  t.equal(read(Type.Union([Type.Literal(1), Type.Literal(2)]), '2'), 2, 'number literals match their string form and keep their type')
  t.equal(read(Type.Literal(true), 'true'), true)
})

t.test('unions of other types: the first member the string coerces to wins', async (t) => {
  const workers = Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('auto')])
  t.equal(read(workers, '4'), 4)
  t.equal(read(workers, 'auto'), 'auto')
  rejects(t, workers, '0', 'not an integer or one of auto')
  rejects(t, workers, 'many', 'not an integer or one of auto')
  rejects(t, { anyOf: [{ type: 'boolean' }, { not: {} }] } as unknown as TSchema, 'x', 'not a boolean or matching its schema')
})

t.test('arrays: comma-separated, items trimmed and coerced', async (t) => {
  t.same(read(Type.Array(Type.String()), 'a, b ,c'), ['a', 'b', 'c'])
  t.same(read(Type.Array(Type.Integer()), '1,2,3'), [1, 2, 3])
  t.same(read(Type.Array(Type.String()), ''), [])
  t.same(read(Type.Array(Type.String()), '  '), [])
  t.same(read(Type.Array(Type.Boolean()), 'yes,0'), [true, false])
  t.same(read({ type: 'array' } as unknown as TSchema, 'a,b'), ['a', 'b'], 'no items schema: strings')
  rejects(t, Type.Array(Type.Integer()), '1,x,3', 'item 2: not an integer')
  rejects(t, Type.Array(Type.String({ format: 'email' })), 'a@example.com,nope', 'item 2: not a valid email')
  rejects(t, Type.Array(Type.String(), { minItems: 2 }), 'a', 'fewer than 2 items')
  rejects(t, Type.Array(Type.String(), { maxItems: 1 }), 'a,b', 'more than 1 items')
  rejects(t, Type.Array(Type.String(), { uniqueItems: true }), 'a,a', 'has duplicate items')
})

t.test('formats: URLs and emails', async (t) => {
  t.equal(read(Type.String({ format: 'uri' }), 'postgres://app:pw@db.internal:5432/orders'), 'postgres://app:pw@db.internal:5432/orders')
  t.equal(read(Type.String({ format: 'url' }), 'https://example.com/x'), 'https://example.com/x')
  t.equal(read(Type.String({ format: 'email' }), 'ops@example.com'), 'ops@example.com')
  rejects(t, Type.String({ format: 'uri' }), 'db.internal:5432 oops', 'not a valid uri')
  rejects(t, Type.String({ format: 'email' }), 'ops-at-example.com', 'not a valid email')
})

t.test('strings: as given, with length and pattern rules', async (t) => {
  t.equal(read(Type.String(), ' spaced '), ' spaced ', 'no trimming')
  t.equal(read(Type.String(), ''), '', 'an empty string is a value')
  rejects(t, Type.String({ minLength: 32 }), 'short', 'shorter than 32 characters')
  rejects(t, Type.String({ maxLength: 3 }), 'toolong', 'longer than 3 characters')
  rejects(t, Type.String({ pattern: '^[a-z]+$' }), 'ABC', 'does not match the pattern ^[a-z]+$')
  const refined = Type.Refine(Type.String(), (value) => value.startsWith('sk_'), (value) => `${value} must start with sk_`)
  t.equal(read(refined, 'sk_1'), 'sk_1')
  rejects(t, refined, 'pk_1', 'fails its refinement check')
  t.equal(read(Type.Unknown(), 'anything'), 'anything', 'a schema without a type takes the string')
})

t.test('JSON objects where the schema asks for an object', async (t) => {
  const limits = Type.Object({ max: Type.Integer(), mode: Type.Optional(Type.Enum(['soft', 'hard'])), kind: Type.Optional(Type.Literal('tier')) })
  t.same(read(limits, '{"max":10,"mode":"hard"}'), { max: 10, mode: 'hard' })
  t.same(read(Type.Record(Type.String(), Type.Number()), '{"a":1}'), { a: 1 })
  rejects(t, limits, '{max:10}', 'not valid JSON')
  rejects(t, limits, '[1]', 'not a JSON object')
  rejects(t, limits, 'null', 'not a JSON object')
  rejects(t, limits, '"x"', 'not a JSON object')
  rejects(t, limits, '{"max":"ten"}', 'not an integer at #/properties/max')
  rejects(t, limits, '{}', 'missing max')
  rejects(t, limits, '{"max":1,"mode":"medium"}', 'not one of soft, hard at #/properties/mode')
  rejects(t, limits, '{"max":1,"kind":"other"}', 'not tier at #/properties/kind')
  rejects(t, Type.Object({ a: Type.Number() }, { additionalProperties: false }), '{"a":1,"secretKey":2}', 'not allowed at #/additionalProperties')
  rejects(t, Type.Object({ a: Type.Number() }, { minProperties: 2 }), '{"a":1}', 'fails the "minProperties" rule')
})

t.test('defaults from the schema when a variable is absent; optional variables stay absent', async (t) => {
  const config = loadConfig(Type.Object({
    PORT: Type.Integer({ default: 3000 }),
    ORIGINS: Type.Array(Type.String(), { default: ['https://a.test'] }),
    TRACE: Type.Optional(Type.Boolean())
  }), { source: {} })
  t.equal(config.PORT, 3000)
  t.same(config.ORIGINS, ['https://a.test'])
  t.notOk('TRACE' in config)
  t.equal(config.TRACE, undefined)
})

t.test('a schema\'s default that breaks its own rules is reported as such', async (t) => {
  t.throws(() => loadConfig(Type.Object({ PORT: Type.Integer({ default: 0, minimum: 1 }) }), { source: {} }), {
    code: 'FP_ERR_CONFIG_INVALID',
    issues: [{ variable: 'PORT', rule: 'the schema\'s default is less than 1' }]
  })
})

t.test('a source entry that is undefined counts as absent', async (t) => {
  t.equal(loadConfig(Type.Object({ PORT: Type.Integer({ default: 1 }) }), { source: { PORT: undefined } }).PORT, 1)
})

t.test('a hand-written JSON schema without "required" works; process.env is the default source', async (t) => {
  process.env.FP_CONFIG_TEST_HOME = '/srv'
  t.teardown(() => { delete process.env.FP_CONFIG_TEST_HOME })
  const schema = { type: 'object', properties: { FP_CONFIG_TEST_HOME: { type: 'string' }, FP_CONFIG_TEST_ABSENT: { type: 'string' } } }
  const config = loadConfig(schema as never) as unknown as Record<string, unknown>
  t.equal(config.FP_CONFIG_TEST_HOME, '/srv')
  t.notOk('FP_CONFIG_TEST_ABSENT' in config)
})
