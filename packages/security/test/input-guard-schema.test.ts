import t from 'tap'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { guardedApp, postJson } from './helpers/guarded-app.js'

const echo = async (request: { body: unknown }) => ({ received: request.body })
const noop = (_request: unknown, _reply: unknown, done: () => void): void => { done() }

/** Records the routes that got the guard's hook (an onRoute hook added after the plugin's sees its choice). */
function recordGuarded (app: FastifyInstance): string[] {
  const out: string[] = []
  app.addHook('onRoute', (route) => {
    const hooks = [route.preValidation ?? []].flat() as Array<{ name: string }>
    if (route.method !== 'HEAD' && hooks.some((hook) => hook.name === 'securityInputGuard')) out.push(`${String(route.method)} ${route.url}`)
  })
  return out
}

t.test('routes whose schema fixes every key get no hook at all; free-form parts are checked, nothing else', async (t) => {
  const Strict = Type.Object({ name: Type.String(), tags: Type.Array(Type.String()), kind: Type.Union([Type.Literal('a'), Type.Literal('b')]) }, { additionalProperties: false })
  let guarded: string[] = []
  const { url } = await guardedApp(t, undefined, (app) => {
    guarded = recordGuarded(app)
    app.post('/strict', { schema: { body: Strict } }, echo)
    app.post('/strict-nested', { schema: { body: Type.Object({ items: Type.Array(Strict), maybe: Type.Union([Strict, Type.Null()]) }, { additionalProperties: false }) } }, echo)
    app.post('/scalar', { schema: { body: Type.String() } }, echo)
    app.post('/enum', { schema: { body: { enum: [{ $a: 1 }] } } }, echo)
    app.get('/read', echo)
    app.post('/record', { schema: { body: Type.Object({ name: Type.String(), meta: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }) } }, echo)
    app.post('/open', { schema: { body: Type.Object({ name: Type.String() }) } }, echo)
    app.post('/unknown', { schema: { body: Type.Object({ data: Type.Unknown() }, { additionalProperties: false }) } }, echo)
    app.post('/items', { schema: { body: Type.Array(Type.Object({ x: Type.Any() }, { additionalProperties: false })) } }, echo)
    app.post('/values', { schema: { body: Type.Object({}, { additionalProperties: Type.Object({ n: Type.Number() }, { additionalProperties: false }) }) } }, echo)
    app.post('/declared', { schema: { body: { type: 'object', properties: { 'a.b': { type: 'object', properties: { $c: { type: 'string' } }, additionalProperties: false } } } } }, echo)
  })
  t.same(guarded.sort(), ['POST /declared', 'POST /items', 'POST /open', 'POST /record', 'POST /unknown', 'POST /values'])

  // Strict parts: undeclared keys never reach the handler (Ajv removes them after the guard), so the guard does not look.
  t.same((await postJson(`${url}/strict`, { name: 'n', tags: [], kind: 'a', $where: 1 })).body, { received: { name: 'n', tags: [], kind: 'a' } })
  const cases: Array<[string, unknown, string | undefined]> = [
    ['/record', { name: 'n', meta: { ok: { $gt: 1 } } }, '/body/meta/ok/$gt'],
    ['/record', { name: 'n', meta: { ok: 1 } }, undefined],
    ['/open', { name: 'n', 'x.y': 1 }, '/body/x.y'],
    ['/open', { name: 'n', extra: { fine: 1 } }, undefined],
    ['/unknown', { data: [{ __x: 1 }, { constructor: 1 }] }, '/body/data/1/constructor'],
    ['/items', [{ x: 1 }, { x: { deep: { $ne: 1 } } }], '/body/1/x/deep/$ne'],
    ['/items', [{ x: { deep: 1 } }, { x: [] }], undefined],
    ['/items', { $x: 1 }, 'VALIDATION'],
    ['/record', [{ $x: 1 }], 'VALIDATION'],
    ['/values', { one: { n: 1 }, $two: { n: 2 } }, '/body/$two'],
    ['/declared', { 'a.b': { $c: 'declared by the schema' } }, undefined],
    ['/declared', { 'a.b': { $c: 'x' }, 'e.f': 1 }, '/body/e.f']
  ]
  for (const [path, body, refused] of cases) {
    const answer = await postJson(`${url}${path}`, body)
    if (refused === undefined) t.equal(answer.status, 200, `${path} ${JSON.stringify(body)} passes`)
    else if (refused === 'VALIDATION') t.equal(answer.status, 400, `${path} ${JSON.stringify(body)}: not the shape the plan expects, left to the schema`)
    else t.match(answer.body, { code: 'UNSAFE_KEY', errors: [{ path: refused }] }, `${path} ${JSON.stringify(body)} -> ${refused}`)
  }
})

t.test('the guard joins the route\'s own preValidation hooks, after them', async (t) => {
  const order: string[] = []
  const { url } = await guardedApp(t, undefined, (app) => {
    app.route({ method: ['POST', 'PUT'], url: '/one', preValidation: (_request, _reply, done) => { order.push('one'); done() }, handler: echo })
    app.post('/list', { preValidation: [noop, (_request, _reply, done) => { order.push('list'); done() }] }, echo)
  })
  t.equal((await postJson(`${url}/one`, { $x: 1 })).status, 400)
  t.equal((await postJson(`${url}/list`, { $x: 1 })).status, 400)
  t.same(order, ['one', 'list'])
})

t.test('schema shapes the analysis does not follow are checked whole', async (t) => {
  let guarded: string[] = []
  const { url } = await guardedApp(t, undefined, (app) => {
    guarded = recordGuarded(app)
    app.addSchema({ $id: 'Thing', type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false })
    app.post('/ref', { schema: { body: { $ref: 'Thing#' } } }, echo)
    app.post('/any-of', { schema: { body: { anyOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'array' }] } } }, echo)
    app.post('/all-of-one', { schema: { body: { allOf: [{ type: 'object', properties: { a: { type: 'object' } }, additionalProperties: false }, { required: ['a'] }] } } }, echo)
    app.post('/both', { schema: { body: { type: ['object', 'array'] } } }, echo)
    app.post('/true', { schema: { body: true } }, echo)
    // Open tuples make Ajv's strict mode warn: these two validate with a compiler of their own.
    app.post('/tuple', { schema: { body: { type: 'array', items: [{ type: 'string' }, { type: 'object', properties: {}, additionalProperties: false }] } }, validatorCompiler: () => () => true }, echo)
    app.post('/tuple-closed', { schema: { body: { type: 'array', items: [{ type: 'string' }], additionalItems: false } }, validatorCompiler: () => () => true }, echo)
    // Draft 2020-12 keyword, unknown to Fastify's default Ajv: a compiler of the app's own.
    app.post('/prefix', { schema: { body: { type: 'array', prefixItems: [{ type: 'string' }] } }, validatorCompiler: () => () => true }, echo)
    app.post('/array-any', { schema: { body: { type: 'array' } } }, echo)
    app.post('/content', {
      schema: { body: { content: { 'application/json': { schema: Type.Object({ a: Type.String() }, { additionalProperties: false }) }, 'text/plain': { schema: Type.String() } } } }
    }, echo)
    app.post('/content-open', { schema: { body: { content: { 'application/json': { schema: Type.Object({ a: Type.Unknown() }) } } } } }, echo)
    app.post('/custom', { schema: { body: Object.create({ custom: true }) as object }, validatorCompiler: () => () => true }, echo)
    app.post('/deep', { schema: { body: nested(40) } }, echo)
  })
  t.same(guarded.sort(), ['POST /all-of-one', 'POST /any-of', 'POST /array-any', 'POST /both', 'POST /content-open', 'POST /custom', 'POST /deep', 'POST /prefix', 'POST /ref', 'POST /true', 'POST /tuple'])
  t.match((await postJson(`${url}/ref`, { a: 'x', $b: 1 })).body, { errors: [{ path: '/body/$b' }] }, '$ref: checked whole')
  t.match((await postJson(`${url}/any-of`, [{ $b: 1 }])).body, { errors: [{ path: '/body/0/$b' }] })
  t.match((await postJson(`${url}/all-of-one`, { a: { $b: 1 } })).body, { errors: [{ path: '/body/a/$b' }] }, 'one branch with free parts: followed precisely')
  t.match((await postJson(`${url}/tuple`, ['s', {}, { $x: 1 }])).body, { errors: [{ path: '/body/2/$x' }] }, 'items past a tuple are free')
  t.match((await postJson(`${url}/custom`, { $b: 1 })).body, { errors: [{ path: '/body/$b' }] }, 'a schema of another library: checked whole')
  t.equal((await postJson(`${url}/deep`, { a: { a: { $x: 1 } } })).status, 200, 'strict levels are followed...')
  let body: object = { $x: 1 }
  for (let i = 0; i < 35; i++) body = { a: body }
  t.match((await postJson(`${url}/deep`, body)).body, { code: 'UNSAFE_KEY' }, '...up to 32 levels of schema; below that, everything is checked')
})

function nested (depth: number): object {
  return depth === 0 ? { type: 'string' } : { type: 'object', properties: { a: nested(depth - 1) }, additionalProperties: false }
}
