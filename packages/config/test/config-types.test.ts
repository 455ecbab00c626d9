// Checked by `tsc -p test/tsconfig.json`: the assignments below are the assertions; tap runs the rest.
import t from 'tap'
import Fastify from 'fastify'
import config, { loadConfig, Secret, RequiredInProduction, Type, type Config, type ConfigOptions } from '../src/index.js'

const schema = Type.Object({
  PORT: Type.Integer({ default: 3000 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union([Type.Literal('debug'), Type.Literal('info')], { default: 'info' }),
  ORIGINS: Type.Array(Type.String(), { default: [] }),
  DATABASE_URL: Secret(Type.String({ format: 'uri' })),
  SENTRY_DSN: RequiredInProduction(Type.String())
})

// The documented pattern: the app declares `fastify.config` once, next to the schema.
declare module 'fastify' {
  interface FastifyInstance {
    readonly config: Config<typeof schema>
  }
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false
function expectType<T extends true> (): T | undefined { return undefined }

const source = { DATABASE_URL: 'postgres://db/app' }

t.test('app.register(config, { schema }) then app.config.PORT is a number, without a cast', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(config, { schema, source })

  const port: number = app.config.PORT
  expectType<Equal<typeof app.config.PORT, number>>()
  expectType<Equal<typeof app.config.LOG_LEVEL, 'debug' | 'info'>>()
  expectType<Equal<typeof app.config.DATABASE_URL, string>>()
  expectType<Equal<typeof app.config.SENTRY_DSN, string | undefined>>()
  expectType<Equal<typeof app.config.ORIGINS, string[]>>()
  expectType<Equal<typeof app.config.isProduction, boolean>>()
  // @ts-expect-error PORT is a number, not a string
  const wrong: string = app.config.PORT
  t.throws(() => {
    // @ts-expect-error the config is read-only
    app.config.PORT = 1
  }, TypeError)
  t.throws(() => {
    // @ts-expect-error the decorator is read-only
    app.config = loadConfig(schema, { source })
  }, TypeError)
  // @ts-expect-error no such variable in the schema
  t.equal(app.config.NOT_DECLARED, undefined)

  t.equal(port, 3000)
  t.equal(typeof wrong, 'number')
})

t.test('loadConfig returns the schema\'s type without any declaration', async (t) => {
  const env = loadConfig(schema, { source })
  expectType<Equal<typeof env, Config<typeof schema>>>()
  expectType<Equal<typeof env.PORT, number>>()
  expectType<Equal<typeof env.SENTRY_DSN, string | undefined>>()
  const small = loadConfig(Type.Object({ WORKERS: Type.Integer({ default: 2 }) }), { source: {} })
  const workers: number = small.WORKERS
  // @ts-expect-error only the variables of that schema
  t.equal(small.PORT, undefined)
  t.equal(workers, 2)
  t.equal(env.PORT, 3000)
})

t.test('options are typed', async (t) => {
  const ok: ConfigOptions = { schema, dotenv: true, source: {}, reportUnknown: 'APP_', decorator: 'env' }
  // @ts-expect-error dotenv is a boolean or a path
  const bad: ConfigOptions = { schema, dotenv: 1 }
  t.ok(ok && bad)
})
