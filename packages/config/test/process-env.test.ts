import t from 'tap'
import Fastify from 'fastify'
import { Type } from 'typebox'
import config, { loadConfig } from '../src/index.js'

const schema = Type.Object({ FP_CONFIG_PE_PORT: Type.Integer(), FP_CONFIG_PE_DEBUG: Type.Boolean({ default: false }) })

t.test('the plugin and loadConfig read process.env when no source is given, at the time they run', async (t) => {
  process.env.FP_CONFIG_PE_PORT = '8080'
  process.env.FP_CONFIG_PE_DEBUG = 'yes'
  t.teardown(() => {
    delete process.env.FP_CONFIG_PE_PORT
    delete process.env.FP_CONFIG_PE_DEBUG
  })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, { schema })
  const env = app.config as unknown as Record<string, unknown>
  t.equal(env.FP_CONFIG_PE_PORT, 8080)
  t.equal(env.FP_CONFIG_PE_DEBUG, true)
  t.same(loadConfig(schema), { FP_CONFIG_PE_PORT: 8080, FP_CONFIG_PE_DEBUG: true })
  process.env.FP_CONFIG_PE_PORT = '9090'
  t.equal(loadConfig(schema).FP_CONFIG_PE_PORT, 9090)
  t.equal(env.FP_CONFIG_PE_PORT, 8080, 'the app keeps what it booted with')
})
