import Fastify from 'fastify'
import security from '@fastify-production/security'
import { RATE_LIMIT, listenFastify } from '../common.js'

// The in-memory rate limit with a slow-down no load reaches: the price of the second verdict read
// from the same count (no headers, no CORS, so only the limiter is measured).
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(security, { headers: false, rateLimit: { ...RATE_LIMIT, delayAfter: RATE_LIMIT.max - 1 } })
  return listenFastify(app, port)
}
