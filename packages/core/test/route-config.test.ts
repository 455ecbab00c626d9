import t from 'tap'
import Fastify from 'fastify'
import { operationalRouteConfig, productionConfig, routeConfigReader } from '../src/index.js'

t.test('config.production is read when it is an object, else undefined', async (t) => {
  t.same(productionConfig({ production: { accessLog: false } }), { accessLog: false })
  t.equal(productionConfig({ production: 'strict' }), undefined)
  t.equal(productionConfig({ production: null }), undefined)
  t.equal(productionConfig({ rateLimit: 'strict' }), undefined, 'another plugin\'s key is not ours')
  t.equal(productionConfig(undefined), undefined)
})

t.test('operational routes opt out of the suite\'s and the app\'s own limiter, shedder and access log', async (t) => {
  const probe = operationalRouteConfig()
  t.same(probe.production, { accessLog: false, rateLimit: false, loadShedding: false })
  t.equal(probe.rateLimit, false, '@fastify/rate-limit\'s documented opt-out')
  t.equal(probe.pressureHandler(), undefined, 'under-pressure lets the request through')
  t.equal(operationalRouteConfig(false).production.metrics, false)
})

t.test('the route config is read off Fastify\'s route context, else through routeOptions', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  const seen: unknown[] = []
  const read = routeConfigReader()
  app.get('/', { config: { production: { accessLog: false } } }, async (request) => {
    seen.push(read(request), request.routeOptions.config)
    return 'ok'
  })
  await app.inject({ url: '/' })
  t.equal(seen[0], seen[1], 'the installed Fastify keeps it under the symbol looked for')
  const other = { routeOptions: { config: { url: '/x' } } }
  t.equal(routeConfigReader()(other as never), other.routeOptions.config)
})
