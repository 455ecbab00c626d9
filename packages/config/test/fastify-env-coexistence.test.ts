import t from 'tap'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import fastifyEnv from '@fastify/env'
import { logCapture } from '@fastify-production/test-support'
import config, { Type } from '../src/index.js'

// @fastify/env's own options: a JSON schema and the variables to read.
const ENV_OPTIONS = { schema: { type: 'object', properties: { PORT: { type: 'integer', default: 3000 } } }, data: { PORT: '8080' } }
const schema = Type.Object({ WORKERS: Type.Integer({ default: 2 }) })

function appWithLogs () {
  const logs = logCapture()
  return { app: Fastify({ logger: { level: 'info', stream: logs.stream } }), logs }
}

t.test('@fastify/env registered first and config given no schema (the umbrella\'s default): config leaves it fastify.config, says so once', async (t) => {
  const { app, logs } = appWithLogs()
  t.teardown(() => app.close())
  await app.register(fastifyEnv, ENV_OPTIONS)
  await app.register(config)
  await app.ready()
  t.same((app as unknown as { config: unknown }).config, { PORT: 8080 }, '@fastify/env\'s object, untouched')
  const said = logs.lines.filter((l) => /fastify\.config is left to @fastify\/env/.test(String(l.msg)))
  t.equal(said.length, 1)
  t.match(said[0], { level: 30, decorator: 'config' })
})

t.test('@fastify/env registered first and config given a schema: one coded error naming it and both fixes', async (t) => {
  const { app, logs } = appWithLogs()
  t.teardown(() => app.close())
  await app.register(fastifyEnv, ENV_OPTIONS)
  await t.rejects(async () => { await app.register(config, { schema, source: {} }) }, {
    code: 'FP_ERR_CONFIG_DECORATOR_TAKEN',
    message: '@fastify/env already decorates `fastify.config`, and @fastify-production/config was given a `schema` to put there. ' +
      'Put it under another name with the `decorator` option (e.g. `config: { schema, decorator: \'env\' }`), or remove @fastify/env and let this package validate the environment'
  })
  t.equal(logs.lines.filter((l) => l.level === 60).length, 1, 'logged once at fatal')
})

t.test('with `decorator`, both live side by side', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyEnv, ENV_OPTIONS)
  await app.register(config, { schema, source: { WORKERS: '4' }, decorator: 'env' })
  await app.ready()
  const both = app as unknown as { config: unknown, env: { WORKERS: number } }
  t.same(both.config, { PORT: 8080 })
  t.equal(both.env.WORKERS, 4)
})

t.test('@fastify/env registered after config: one coded error with the fix, not Fastify\'s bare duplicate-decorator error', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config)
  await t.rejects(async () => { await app.register(fastifyEnv, ENV_OPTIONS) }, {
    code: 'FP_ERR_CONFIG_DECORATED_LATER',
    message: /decorate `fastify.config`.*Register that plugin before the suite/
  })

  const fine = Fastify()
  t.teardown(() => fine.close())
  await fine.register(config)
  fine.decorate('other', 1)
  await fine.register(async (child) => { child.decorate('childOnly', 2) })
  await fine.ready()
  t.equal((fine as unknown as { other: number }).other, 1, 'every other decorator still goes through')

  const renamed = Fastify()
  t.teardown(() => renamed.close())
  await renamed.register(config, { decorator: 'env' })
  await renamed.register(fastifyEnv, ENV_OPTIONS)
  await t.resolves(async () => { await renamed.ready() }, 'with another decorator name, the order does not matter')
})

t.test('any other plugin that decorated config: named as such; without a schema left alone', async (t) => {
  const own = fp(async (instance) => { instance.decorate<unknown, string>('config', { mine: true }) }, { name: 'my-config' })
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(own)
  await t.rejects(async () => { await app.register(config, { schema, source: {} }) }, {
    code: 'FP_ERR_CONFIG_DECORATOR_TAKEN',
    message: /^another plugin already decorates `fastify.config`.*or rename that plugin's decorator$/
  })

  const { app: quiet, logs } = appWithLogs()
  t.teardown(() => quiet.close())
  await quiet.register(own)
  await quiet.register(config)
  await quiet.ready()
  t.same((quiet as unknown as { config: unknown }).config, { mine: true })
  t.ok(logs.lines.some((l) => /fastify\.config is left to another plugin/.test(String(l.msg))))
})
