import t from 'tap'
import Fastify from 'fastify'
import createFastifyError from '@fastify/error'
import errors, { PROBLEM_CONTENT_TYPE } from '../src/index.js'

// What @fastify-production/dependencies throws for an outage: a coded FP_ERR_* error, exposed, 503, retry-after.
const Outage = createFastifyError('FP_ERR_DEPENDENCIES_CIRCUIT_OPEN', 'Dependency %s is unavailable', 503)

async function answer (thrown: () => unknown) {
  const app = Fastify()
  await app.register(errors)
  app.get('/', async () => { throw thrown() })
  const res = await app.inject('/')
  await app.close()
  return res
}

t.test('a suite error (FP_ERR_*, expose: true) answers its status and code as problem+json with its retry-after', async (t) => {
  const res = await answer(() => Object.assign(new Outage('db'), { expose: true, headers: { 'retry-after': '7', 'x-other': '1' } }))
  t.equal(res.statusCode, 503)
  t.equal(res.headers['content-type'], PROBLEM_CONTENT_TYPE)
  t.equal(res.headers['retry-after'], '7')
  t.equal(res.headers['x-other'], undefined, 'only retry-after passes')
  t.match(res.json(), { status: 503, code: 'FP_ERR_DEPENDENCIES_CIRCUIT_OPEN', detail: 'Dependency db is unavailable' })
})

t.test('a retry-after that is not a number of seconds is dropped; headers of errors outside the suite never pass', async (t) => {
  const odd = await answer(() => Object.assign(new Outage('db'), { expose: true, headers: { 'retry-after': 'soon\r\nx: y' } }))
  t.equal(odd.statusCode, 503)
  t.equal(odd.headers['retry-after'], undefined)
  const foreign = await answer(() => Object.assign(new Error('upstream said no'), { statusCode: 503, expose: true, code: 'UPSTREAM', headers: { 'retry-after': '9' } }))
  t.equal(foreign.statusCode, 503)
  t.equal(foreign.headers['retry-after'], undefined, 'a foreign error brings no header')
})
