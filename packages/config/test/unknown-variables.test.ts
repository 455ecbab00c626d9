import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import { logCapture } from '@fastify-production/test-support'
import config, { type ConfigOptions } from '../src/index.js'

const schema = Type.Object({ APP_PORT: Type.Integer({ default: 3000 }), APP_TOKEN: Type.Optional(Type.String()) })
const source = { APP_PORT: '1', APP_PROT: '2', APP_TOKNE: 'secret-value-123', HOME: '/root', PATH: '/bin' }

async function debugLines (t: Test, options: Partial<ConfigOptions>) {
  const logs = logCapture()
  const app = Fastify({ logger: { level: 'debug', stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(config, { schema, source, ...options })
  await app.ready()
  return { lines: logs.lines.filter((line) => line.msg === 'configuration variables not in the schema were ignored'), text: logs.text() }
}

t.test('a prefix lists, at debug, the names starting with it that the schema lacks (typos)', async (t) => {
  const { lines, text } = await debugLines(t, { reportUnknown: 'APP_' })
  t.equal(lines.length, 1)
  t.equal(lines[0]?.level, 20)
  t.same(lines[0]?.unknown, ['APP_PROT', 'APP_TOKNE'])
  t.notMatch(text, 'secret-value-123', 'names only, never values')
})

t.test('true lists every name the schema lacks', async (t) => {
  const { lines } = await debugLines(t, { reportUnknown: true })
  t.same(lines[0]?.unknown, ['APP_PROT', 'APP_TOKNE', 'HOME', 'PATH'])
})

t.test('off by default, and no line when nothing is unknown', async (t) => {
  t.same((await debugLines(t, {})).lines, [])
  t.same((await debugLines(t, { reportUnknown: false })).lines, [])
  t.same((await debugLines(t, { reportUnknown: 'ZZZ_' })).lines, [])
})
