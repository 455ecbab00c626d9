import t from 'tap'
import { Type } from 'typebox'
import { getJson, guardedApp } from './helpers/guarded-app.js'

const echo = async (request: { query: unknown }) => ({ query: request.query })

t.test('by default the query is not checked: a repeated parameter reaches a route without schema as an array', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => { app.get('/orders', echo) })
  t.same(await getJson(`${url}/orders?cursor=a&cursor=b&$where=1&a.b=2`), { status: 200, body: { query: { cursor: ['a', 'b'], $where: '1', 'a.b': '2' } } })
})

t.test('query: true refuses operator and prototype keys in the query string', async (t) => {
  const { url } = await guardedApp(t, { query: true }, (app) => {
    app.get('/orders', echo)
    app.get('/strict', { schema: { querystring: Type.Object({ cursor: Type.Optional(Type.String()) }, { additionalProperties: false }) } }, echo)
    app.get('/open', { schema: { querystring: Type.Object({ 'page.size': Type.Optional(Type.String()) }) } }, echo)
    app.get('/loose', { config: { production: { inputGuard: { query: false } } } }, echo)
  })
  for (const [query, path] of [['$where=sleep(1)', '/querystring/$where'], ['ok=1&user.role=admin', '/querystring/user.role'], ['__proto__=x', '/querystring/__proto__'], ['constructor=x', '/querystring/constructor']]) {
    t.match(await getJson(`${url}/orders?${query as string}`), { status: 400, body: { code: 'UNSAFE_KEY', errors: [{ path }] } }, query as string)
  }
  t.same((await getJson(`${url}/orders?cursor=a&cursor=b&q=$x.y`)).body, { query: { cursor: ['a', 'b'], q: '$x.y' } }, 'values and repeats pass')
  t.equal((await getJson(`${url}/strict?cursor=a&$where=1`)).status, 200, 'a closed query schema: no hook, Ajv drops undeclared keys')
  t.equal((await getJson(`${url}/open?page.size=10`)).status, 200, 'a name the schema declares is never refused')
  t.match(await getJson(`${url}/open?page.size=10&$x=1`), { status: 400, body: { errors: [{ path: '/querystring/$x' }] } })
  t.equal((await getJson(`${url}/loose?$where=1`)).status, 200, 'off per route')
})

t.test('repeatedQuery: refuse answers 400 naming the parameter, on routes without a schema and for undeclared keys', async (t) => {
  const { url } = await guardedApp(t, { repeatedQuery: 'refuse' }, (app) => {
    app.get('/orders', echo)
    app.get('/tags', { schema: { querystring: Type.Object({ tag: Type.Optional(Type.Array(Type.String())) }) } }, echo)
    app.get('/closed', { schema: { querystring: Type.Object({ tag: Type.Optional(Type.Array(Type.String())) }, { additionalProperties: false }) } }, echo)
    app.get('/many', { config: { production: { inputGuard: { repeatedQuery: 'allow' } } } }, echo)
    app.get('/filter', { schema: { querystring: Type.Object({ filter: Type.Optional(Type.Unknown()) }, { additionalProperties: false }) } }, echo)
  })
  t.same((await getJson(`${url}/filter?filter=a&filter=b`)).body, { query: { filter: ['a', 'b'] } }, 'a closed query schema declares every key: repeats are its business')
  t.match(await getJson(`${url}/orders?cursor=a&cursor=b`), { status: 400, body: { code: 'REPEATED_PARAMETER', errors: [{ path: '/querystring/cursor', message: /repeated/ }] } })
  t.same((await getJson(`${url}/orders?cursor=a&$where=1`)).body, { query: { cursor: 'a', $where: '1' } }, 'keys are not checked unless query: true')
  t.same((await getJson(`${url}/tags?tag=a&tag=b`)).body, { query: { tag: ['a', 'b'] } }, 'an array the schema declares is fine')
  t.match(await getJson(`${url}/tags?tag=a&other=1&other=2`), { status: 400, body: { errors: [{ path: '/querystring/other' }] } })
  t.same((await getJson(`${url}/closed?tag=a&tag=b`)).body, { query: { tag: ['a', 'b'] } })
  t.same((await getJson(`${url}/many?x=1&x=2`)).body, { query: { x: ['1', '2'] } }, 'allowed again per route')
})

t.test('a nested query parser (qs) is walked like a body', async (t) => {
  const { parse } = await import('node:querystring')
  const { url } = await guardedApp(t, { query: true }, (app) => { app.get('/orders', echo) }, {
    // A stand-in for qs: `user[password][$ne]=` becomes { user: { password: { $ne: '' } } }.
    routerOptions: {
      querystringParser: (raw: string) => {
        const out: Record<string, unknown> = {}
        for (const [key, value] of Object.entries(parse(raw))) {
          const parts = key.split(/\[|\]\[|\]/).filter(Boolean)
          let at = out
          for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>
          at[parts[parts.length - 1] as string] = value
        }
        return out
      }
    }
  })
  t.match(await getJson(`${url}/orders?user[password][$ne]=`), { status: 400, body: { errors: [{ path: '/querystring/user/password/$ne' }] } })
  t.same((await getJson(`${url}/orders?user[name]=ann`)).body, { query: { user: { name: 'ann' } } })
})
