import t from 'tap'
import Fastify from 'fastify'
import errors from '../src/index.js'
import { logCapture } from '@fastify-production/test-support'

const throwingGetters = Object.defineProperties(new Error('getters'), {
  statusCode: { get () { throw new Error('getter statusCode') }, enumerable: true },
  expose: { get () { throw new Error('getter expose') }, enumerable: true },
  code: { get () { throw new Error('getter code') }, enumerable: true }
})
const circular = new Error('outer')
const inner = new Error('inner', { cause: circular })
;(circular as { cause?: unknown }).cause = inner
const hostileProxy = new Proxy({}, { get () { throw new Error('trap') }, getPrototypeOf () { throw new Error('trap') } })

const cases: Array<[string, () => unknown]> = [
  ['a string', () => 'db password is hunter2'],
  ['null', () => null],
  ['undefined', () => undefined],
  ['a number', () => 42],
  ['a plain object with a foreign status and headers', () => ({ statusCode: 404, headers: { 'x-leak': '1' }, message: 'hi' })],
  ['an error whose getters throw', () => throwingGetters],
  ['an error with a circular cause chain', () => circular],
  ['a hostile proxy', () => hostileProxy],
  ['a symbol', () => Symbol('s')],
  ['an object whose inspect throws', () => ({ [Symbol.for('nodejs.util.inspect.custom')] () { throw new Error('getter inspect') } })]
]

for (const [name, make] of cases) {
  t.test(`throwing ${name} gives a generic 500 problem and a log line`, async (t) => {
    const logs = logCapture()
    const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
    await app.register(errors)
    t.teardown(() => app.close())
    app.get('/', async () => { throw make() })
    const res = await app.inject({ url: '/' })
    t.equal(res.statusCode, 500)
    t.equal(res.json().code, 'INTERNAL_SERVER_ERROR')
    t.equal(res.headers['x-leak'], undefined)
    t.notMatch(res.body, /hunter2|getter|inner|outer|trap/)
    t.ok(logs.lines.some((l) => l.level === 50 && l.msg === 'request failed'), 'logged at error')
  })
}

t.test('the log of a thrown string says what was thrown', async (t) => {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'info', stream: logs.stream } })
  await app.register(errors)
  t.teardown(() => app.close())
  app.get('/', async () => { throw 'plain string' }) // eslint-disable-line no-throw-literal
  await app.inject({ url: '/' })
  t.match(logs.lines.find((l) => l.level === 50), { err: { type: 'NonErrorThrown', message: /plain string/ } })
})
