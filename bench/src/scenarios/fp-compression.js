import Fastify from 'fastify'
import compression from '@fastify-production/compression'
import { HOST, PAYLOAD, ROUTE, listenFastify, responseSchema } from '../common.js'

// Compression on for /hello, whose 22-byte body is below the 1 KiB threshold (and the load generator
// sends no Accept-Encoding): what the package costs a response it does not compress, i.e. its hooks
// (@fastify/compress's onRequest and onSend, the Vary and BREACH check in front). Set
// BENCH_COMPRESSION_ROUTE=off and /hello opts out (config.production.compress: false): no hook at
// all, the cost for routes that do not compress (expected 0).
const ROUTE_SETTING = process.env.BENCH_COMPRESSION_ROUTE ?? 'on'

export default async function start ({ port }) {
  const app = Fastify()
  await app.register(compression)
  if (ROUTE_SETTING !== 'off') return listenFastify(app, port)
  app.get(ROUTE, { schema: { response: responseSchema }, config: { production: { compress: false } } }, async () => PAYLOAD)
  await app.listen({ host: HOST, port })
  return { port: app.server.address().port, close: () => app.close() }
}
