import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { startPostgres } from '@fastify-production/test-support/postgres'
import pgDriver from 'pg'
import { buildApp } from '../src/app.js'

const PROBLEM = 'application/problem+json; charset=utf-8'

// The same route suite runs against each repository: in-memory, and a real PostgreSQL.
async function routeSuite (t: Test, build: () => Promise<FastifyInstance>): Promise<void> {
  const app = await build()
  t.teardown(() => app.close())

  await t.test('POST /orders creates an order: 201, location, the order', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/orders', payload: { item: 'book', quantity: 2 } })
    t.equal(res.statusCode, 201)
    const order = res.json()
    t.match(order, { id: String, item: 'book', quantity: 2, createdAt: String })
    t.equal(res.headers.location, `/orders/${order.id}`)
    t.ok(!Number.isNaN(Date.parse(order.createdAt)))
  })

  await t.test('POST /orders refuses bad input with a 400 problem that names the field', async (t) => {
    const cases: Array<[unknown, string]> = [
      [{ item: '', quantity: 1 }, '/body/item'],
      [{ item: 'x'.repeat(101), quantity: 1 }, '/body/item'],
      [{ item: 'pen', quantity: 0 }, '/body/quantity'],
      [{ item: 'pen', quantity: 1001 }, '/body/quantity'],
      [{ item: 'pen', quantity: 1.5 }, '/body/quantity'],
      [{ item: 'pen' }, '/body/quantity']
    ]
    for (const [payload, path] of cases) {
      const res = await app.inject({ method: 'POST', url: '/orders', payload: payload as object })
      t.equal(res.statusCode, 400, JSON.stringify(payload))
      t.equal(res.headers['content-type'], PROBLEM)
      t.equal(res.json().errors[0].path, path)
    }
  })

  await t.test('GET /orders/:id returns the order, or a 404 problem', async (t) => {
    const created = (await app.inject({ method: 'POST', url: '/orders', payload: { item: 'lamp', quantity: 1 } })).json()
    const res = await app.inject({ url: `/orders/${created.id}` })
    t.equal(res.statusCode, 200)
    t.same(res.json(), created)
    const missing = await app.inject({ url: '/orders/nope' })
    t.equal(missing.statusCode, 404)
    t.equal(missing.headers['content-type'], PROBLEM)
    t.match(missing.json(), { status: 404, code: 'ORDER_NOT_FOUND', instance: '/orders/nope', requestId: String })
  })

  await t.test('GET /orders pages with limit and cursor until the end', async (t) => {
    for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/orders', payload: { item: `item-${i}`, quantity: i + 1 } })
    const all = (await app.inject({ url: '/orders?limit=100' })).json()
    t.equal(all.nextCursor, null)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page: { items: Array<{ id: string }>, nextCursor: string | null } =
        (await app.inject({ url: `/orders?limit=2${cursor === null ? '' : `&cursor=${cursor}`}` })).json()
      t.ok(page.items.length <= 2)
      seen.push(...page.items.map((o) => o.id))
      cursor = page.nextCursor
      pages++
    } while (cursor !== null && pages < 50)
    t.same(seen, all.items.map((o: { id: string }) => o.id), 'pages add up to the whole list, in order, without repeats')
    t.equal((await app.inject({ url: '/orders?limit=0' })).statusCode, 400)
    t.equal((await app.inject({ url: '/orders?limit=101' })).statusCode, 400)
    const forged = await app.inject({ url: `/orders?cursor=${Buffer.from('x:1').toString('base64url')}` })
    t.equal(forged.statusCode, 400)
    t.equal(forged.json().code, 'INVALID_CURSOR')
  })

  await t.test('DELETE /orders/:id answers 204, then 404', async (t) => {
    const created = (await app.inject({ method: 'POST', url: '/orders', payload: { item: 'cup', quantity: 3 } })).json()
    const res = await app.inject({ method: 'DELETE', url: `/orders/${created.id}` })
    t.equal(res.statusCode, 204)
    t.equal(res.body, '')
    t.equal((await app.inject({ url: `/orders/${created.id}` })).statusCode, 404)
    t.equal((await app.inject({ method: 'DELETE', url: `/orders/${created.id}` })).statusCode, 404)
  })
}

t.test('order routes, in-memory repository', async (t) => {
  await routeSuite(t, () => buildApp({ env: {}, server: { logger: false } }))
})

// One server for the file, stopped after every app of every subtest has closed.
const pg = await startPostgres()
t.teardown(() => pg.stop())

t.test('order routes, PostgreSQL repository', async (t) => {
  await routeSuite(t, () => buildApp({ env: { DATABASE_URL: pg.url }, server: { logger: false } }))

  await t.test('the migration is idempotent and data survives a restart of the app', async (t) => {
    const first = await buildApp({ env: { DATABASE_URL: pg.url }, server: { logger: false } })
    const created = (await first.inject({ method: 'POST', url: '/orders', payload: { item: 'kept', quantity: 1 } })).json()
    await first.close()
    const second = await buildApp({ env: { DATABASE_URL: pg.url }, server: { logger: false } })
    t.teardown(() => second.close())
    t.equal((await second.inject({ url: `/orders/${created.id}` })).json().item, 'kept')
  })
})

t.test('a database nobody answers on keeps the app starting (startup probe 503) instead of half-starting', async (t) => {
  const app = await buildApp({ env: { DATABASE_URL: 'postgres://user:pw@127.0.0.1:1/none' }, server: { logger: false } })
  t.teardown(() => app.close())
  await app.ready()
  t.equal((await app.inject({ url: '/health/startup' })).statusCode, 503, 'connect attempts go on with backoff')
  t.equal((await app.inject({ url: '/health/ready' })).statusCode, 503)
})

t.test('a query failure at run time is a generic 500 with no driver text', async (t) => {
  const app = await buildApp({ env: { DATABASE_URL: pg.url }, server: { logger: false } })
  t.teardown(() => app.close())
  await app.ready() // the migration runs at ready, with the connect attempts
  const admin = new pgDriver.Client({ connectionString: pg.url })
  await admin.connect()
  await admin.query('alter table orders rename to orders_gone')
  t.teardown(async () => { await admin.query('alter table orders_gone rename to orders'); await admin.end() })
  const res = await app.inject({ url: '/orders' })
  t.equal(res.statusCode, 500)
  t.match(res.json(), { code: 'INTERNAL_SERVER_ERROR', detail: 'An unexpected error occurred.' })
  t.notMatch(res.body, /relation|orders_gone|does not exist|postgres/)
})

t.test('a cursor past the end gives an empty last page', async (t) => {
  for (const env of [{}, { DATABASE_URL: pg.url }]) {
    const app = await buildApp({ env, server: { logger: false } })
    const page = (await app.inject({ url: `/orders?cursor=${Buffer.from('o:999999999').toString('base64url')}` })).json()
    t.same(page, { items: [], nextCursor: null })
    await app.close()
  }
})
