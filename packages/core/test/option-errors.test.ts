import t from 'tap'
import { Type } from 'typebox'
import { assertOptions, firstViolation, optionsError } from '../src/index.js'

const Schema = Type.Object({
  port: Type.Optional(Type.Integer({ minimum: 1 })),
  nested: Type.Optional(Type.Object({ max: Type.Integer() }))
}, { additionalProperties: false })

t.test('the first violation names the dotted option and the rule, never the value', async (t) => {
  t.equal(firstViolation(Schema, { port: 3 }), undefined)
  t.same(firstViolation(Schema, { colour: 'red' }), ['colour', 'is not a known option'])
  t.same(firstViolation(Schema, 'port=3')?.[0], '(root)', 'a value that is no object at all')
  const [where, rule] = firstViolation(Schema, { nested: { max: 'hunter2' } }) as [string, string]
  t.equal(where, 'nested.max')
  t.notMatch(rule, /hunter2/)
})

t.test('assertOptions throws the package\'s coded TypeError with what it accepts', async (t) => {
  const Err = optionsError('FP_ERR_THING_OPTIONS', '@fastify-production/thing')
  t.doesNotThrow(() => { assertOptions(Schema, {}, Err, 'port (integer >= 1)') })
  const err = t.throws(() => { assertOptions(Schema, { port: 0 }, Err, 'port (integer >= 1)') }) as Error & { code: string }
  t.equal(err.code, 'FP_ERR_THING_OPTIONS')
  t.ok(err instanceof TypeError)
  t.match(err.message, /^Invalid @fastify-production\/thing option port: .*; accepted: port \(integer >= 1\)$/)
})
