import Fastify from 'fastify'
import security from '@fastify-production/security'
import { listenFastify } from '../common.js'

// The input guard's worst case on the bench route: GET /hello has no query schema, so with
// `query: true` its hook runs and walks the (empty) query on every request. With the defaults
// (bodies only) a GET route, or any route whose schema fixes every key, has no hook at all.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(security, { headers: false, rateLimit: false, inputGuard: { query: true, repeatedQuery: 'refuse' } })
  return listenFastify(app, port)
}
