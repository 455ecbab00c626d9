import t from 'tap'
import { guardedApp, postJson } from './helpers/guarded-app.js'

// Fastify's JSON parser (secure-json-parse) acts on `__proto__` and `constructor.prototype` before any
// hook, as onProtoPoisoning / onConstructorPoisoning say; the guard covers what reaches the route.
const echo = async (request: { body: unknown }) => ({ keys: Object.keys(request.body as object) })

t.test('Fastify\'s defaults (error): the parser answers 400 first; a lone constructor or prototype key is the guard\'s', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => { app.post('/x', echo) })
  t.match(await postJson(`${url}/x`, '{"__proto__":{"admin":true}}'), { status: 400, body: { code: 'FST_ERR_CTP_INVALID_JSON_BODY' } }, '__proto__: the parser')
  t.match(await postJson(`${url}/x`, '{"constructor":{"prototype":{"admin":true}}}'), { status: 400, body: { code: 'FST_ERR_CTP_INVALID_JSON_BODY' } }, 'constructor.prototype: the parser')
  t.match(await postJson(`${url}/x`, '{"constructor":{"name":"x"}}'), { status: 400, body: { code: 'UNSAFE_KEY', errors: [{ path: '/body/constructor' }] } }, 'constructor alone: the guard')
})

t.test('onProtoPoisoning: remove: the parser strips __proto__ (the app chose it), the guard sees nothing to refuse', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => { app.post('/x', echo) }, { onProtoPoisoning: 'remove' })
  t.same(await postJson(`${url}/x`, '{"__proto__":{"admin":true},"a":1}'), { status: 200, body: { keys: ['a'] } })
})

t.test('onProtoPoisoning: ignore: __proto__ reaches the route as an own key, and the guard refuses it', async (t) => {
  const { url } = await guardedApp(t, undefined, (app) => {
    app.post('/x', echo)
    app.post('/unguarded', { config: { production: { inputGuard: false } } }, echo)
  }, { onProtoPoisoning: 'ignore', onConstructorPoisoning: 'ignore' })
  t.match(await postJson(`${url}/x`, '{"a":{"__proto__":{"admin":true}}}'), { status: 400, body: { errors: [{ path: '/body/a/__proto__' }] } })
  t.same(await postJson(`${url}/unguarded`, '{"__proto__":{"admin":true}}'), { status: 200, body: { keys: ['__proto__'] } }, 'off per route: the app gets what it asked the parser for')
})
