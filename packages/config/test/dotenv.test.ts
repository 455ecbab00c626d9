import t from 'tap'
import { join } from 'node:path'
import { Type } from 'typebox'
import { loadConfig } from '../src/index.js'

const schema = Type.Object({
  PORT: Type.Integer(),
  HOST: Type.String({ default: '127.0.0.1' }),
  GREETING: Type.Optional(Type.String()),
  DATABASE_URL: Type.Optional(Type.String())
})

const FILE = [
  '# comments and blank lines are ignored',
  '',
  'PORT=4000',
  'HOST="0.0.0.0"',
  "GREETING='hello world'",
  'export DATABASE_URL=postgres://file@db/app'
].join('\n')

t.test('dotenv: true reads .env in the working directory with Node\'s parser', async (t) => {
  const dir = t.testdir({ '.env': FILE })
  const before = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(before))
  const env = loadConfig(schema, { source: {}, dotenv: true })
  t.equal(env.PORT, 4000, 'coerced like any variable')
  t.equal(env.HOST, '0.0.0.0', 'quotes removed')
  t.equal(env.GREETING, 'hello world')
  t.equal(env.DATABASE_URL, 'postgres://file@db/app', 'export prefix understood')
})

t.test('real variables win over the file', async (t) => {
  const dir = t.testdir({ 'app.env': FILE })
  const env = loadConfig(schema, { source: { PORT: '5000', GREETING: '' }, dotenv: join(dir, 'app.env') })
  t.equal(env.PORT, 5000)
  t.equal(env.GREETING, '', 'even an empty real variable wins')
  t.equal(env.HOST, '0.0.0.0', 'the file fills what the environment lacks')
})

t.test('process.env wins over the file when no source is given', async (t) => {
  const dir = t.testdir({ '.env': 'FP_CONFIG_DOTENV_TEST=from-file\nFP_CONFIG_DOTENV_ONLY=file-only' })
  process.env.FP_CONFIG_DOTENV_TEST = 'from-env'
  t.teardown(() => { delete process.env.FP_CONFIG_DOTENV_TEST })
  const env = loadConfig(Type.Object({ FP_CONFIG_DOTENV_TEST: Type.String(), FP_CONFIG_DOTENV_ONLY: Type.String() }), { dotenv: join(dir, '.env') })
  t.equal(env.FP_CONFIG_DOTENV_TEST, 'from-env')
  t.equal(env.FP_CONFIG_DOTENV_ONLY, 'file-only')
  t.equal(process.env.FP_CONFIG_DOTENV_ONLY, undefined, 'the file is not copied into process.env')
})

t.test('dotenv: true without a .env file is normal (production has none)', async (t) => {
  const dir = t.testdir({})
  const before = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(before))
  t.equal(loadConfig(schema, { source: { PORT: '1' }, dotenv: true }).PORT, 1)
})

t.test('an explicit path that does not exist fails with FP_ERR_CONFIG_DOTENV', async (t) => {
  const dir = t.testdir({})
  t.throws(() => loadConfig(schema, { source: {}, dotenv: join(dir, 'missing.env') }), {
    code: 'FP_ERR_CONFIG_DOTENV',
    message: `Cannot read the .env file ${join(dir, 'missing.env')}: ENOENT`
  })
})

t.test('a .env that cannot be read fails even with dotenv: true, naming the path and errno only', async (t) => {
  const dir = t.testdir({ '.env': { 'inside.txt': 'SECRET=shh' } })
  const before = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(before))
  t.throws(() => loadConfig(schema, { source: {}, dotenv: true }), {
    code: 'FP_ERR_CONFIG_DOTENV',
    message: `Cannot read the .env file ${join(dir, '.env')}: EISDIR`
  })
})

t.test('dotenv: false reads nothing', async (t) => {
  const dir = t.testdir({ '.env': 'PORT=9' })
  const before = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(before))
  t.throws(() => loadConfig(schema, { source: {}, dotenv: false }), { code: 'FP_ERR_CONFIG_INVALID', issues: [{ variable: 'PORT', rule: 'missing' }] })
})
