import t from 'tap'
import type { Server } from 'node:http'
import Fastify, { type FastifyHttpOptions } from 'fastify'
import shutdown, { type ShutdownOptions } from '../src/index.js'

async function timeoutsOf (server: FastifyHttpOptions<Server>, options: ShutdownOptions = {}): Promise<Record<string, number>> {
  const app = Fastify(server)
  await app.register(shutdown, options)
  await app.ready()
  const { keepAliveTimeout, headersTimeout, requestTimeout } = app.server
  await app.close()
  return { keepAliveTimeout, headersTimeout, requestTimeout }
}

t.test('defaults: keep-alive above load balancers\' 60–65 s, headers above it, requests bounded', async (t) => {
  t.same(await timeoutsOf({}), { keepAliveTimeout: 72_000, headersTimeout: 73_000, requestTimeout: 120_000 })
})

t.test('values set in the Fastify constructor or its http options are kept', async (t) => {
  t.same(await timeoutsOf({ keepAliveTimeout: 5000, requestTimeout: 30_000, http: { headersTimeout: 15_000 } }),
    { keepAliveTimeout: 5000, headersTimeout: 15_000, requestTimeout: 30_000 })
})

t.test('a constructor requestTimeout caps the headers default', async (t) => {
  t.same(await timeoutsOf({ requestTimeout: 30_000 }), { keepAliveTimeout: 72_000, headersTimeout: 30_000, requestTimeout: 30_000 })
  t.same(await timeoutsOf({ keepAliveTimeout: 10_000, requestTimeout: 30_000 }), { keepAliveTimeout: 10_000, headersTimeout: 11_000, requestTimeout: 30_000 })
})

t.test('plugin options win', async (t) => {
  t.same(await timeoutsOf({ keepAliveTimeout: 5000 }, { serverTimeouts: { keepAliveTimeout: 90_000, headersTimeout: 91_000, requestTimeout: 0 } }),
    { keepAliveTimeout: 90_000, headersTimeout: 91_000, requestTimeout: 0 })
  t.same(await timeoutsOf({}, { serverTimeouts: { requestTimeout: 50_000 } }), { keepAliveTimeout: 72_000, headersTimeout: 50_000, requestTimeout: 50_000 })
})

t.test('serverTimeouts: false leaves the server as Fastify made it', async (t) => {
  t.same(await timeoutsOf({}, { serverTimeouts: false }), { keepAliveTimeout: 72_000, headersTimeout: 60_000, requestTimeout: 0 })
})
