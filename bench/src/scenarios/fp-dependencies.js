import { createServer } from 'node:http'
import Fastify from 'fastify'
import dependencies, { httpDependency } from '@fastify-production/dependencies'
import { BODY, HOST, ROUTE, listenFastify, responseSchema } from '../common.js'

// The plugin with one upstream declared (a node:http server on loopback in this process). /hello makes
// no outbound call: what the package costs a request that does not use it (budget 0). Set
// BENCH_DEPENDENCIES_CALL=wrapper or =direct and /hello calls the upstream once per request, through
// the policy (timeouts, retries, breaker) or with a bare fetch: the difference is the wrapper's cost.
const CALL = process.env.BENCH_DEPENDENCIES_CALL ?? 'none'

export default async function start ({ port }) {
  const upstream = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(BODY) })
  await new Promise((resolve) => upstream.listen(0, HOST, resolve))
  const url = `http://${HOST}:${upstream.address().port}`
  const shipping = httpDependency({ url, critical: false })
  const app = Fastify()
  await app.register(dependencies, { shipping })
  if (CALL === 'wrapper') {
    app.get(ROUTE, { schema: { response: responseSchema } }, async (request) => (await shipping.request(ROUTE, { request })).body)
  } else if (CALL === 'direct') {
    app.get(ROUTE, { schema: { response: responseSchema } }, async () => (await fetch(`${url}${ROUTE}`)).json())
  }
  app.addHook('onClose', (_app, done) => { upstream.close(done) })
  const listening = CALL === 'none' ? await listenFastify(app, port) : await listenRoutes(app, port)
  return listening
}

async function listenRoutes (app, port) {
  await app.listen({ host: HOST, port })
  return { port: app.server.address().port, close: () => app.close() }
}
