import Fastify from 'fastify'
import security from '@fastify-production/security'
import { listenFastify } from '../common.js'

// The security headers alone (issue 6 budget: 3 µs): no CORS, no rate limit.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(security, { rateLimit: false })
  return listenFastify(app, port)
}
