import t from 'tap'
import { startPostgres } from '@fastify-production/test-support/postgres'
import { buildApp } from '../src/app.js'

t.test('/metrics needs METRICS_TOKEN and counts orders created', async (t) => {
  const app = await buildApp({ env: { METRICS_TOKEN: 'metrics-token-0123456789' }, server: { logger: false } })
  t.teardown(() => app.close())
  t.equal((await app.inject({ url: '/metrics' })).statusCode, 401)
  t.equal((await app.inject({ url: '/metrics', headers: { authorization: 'Bearer wrong-token-000000000' } })).statusCode, 401)
  await app.inject({ method: 'POST', url: '/orders', payload: { item: 'a', quantity: 1 } })
  await app.inject({ method: 'POST', url: '/orders', payload: { item: 'b', quantity: 2 } })
  await app.inject({ method: 'GET', url: '/orders/missing-id' })
  const scrape = await app.inject({ url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } })
  t.equal(scrape.statusCode, 200)
  t.match(scrape.body, /^orders_created_total 2$/m)
  t.match(scrape.body, /http_request_duration_seconds_count\{method="GET",route="\/orders\/:id",status_code="404"\} 1/)
  t.notMatch(scrape.body, /missing-id/, 'route templates, never raw paths')
})

t.test('readiness follows PostgreSQL; liveness does not', async (t) => {
  const pg = await startPostgres()
  t.teardown(() => pg.stop())
  const app = await buildApp({ env: { DATABASE_URL: pg.url }, server: { logger: false } })
  t.teardown(() => app.close())
  const ready = await app.inject({ url: '/health/ready' })
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ok', checks: { postgres: { status: 'ok' } } })
  await pg.stop()
  // Past the 1 s result cache, the next probe runs the check again and sees the database gone.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const down = await app.inject({ url: '/health/ready' })
  t.equal(down.statusCode, 503)
  t.match(down.json(), { checks: { postgres: { status: 'fail' } } })
  t.notMatch(down.body, /ECONNREFUSED|127\.0\.0\.1|postgres:\/\//, 'no driver text or address in the body')
  t.equal((await app.inject({ url: '/health/live' })).statusCode, 200)
})
