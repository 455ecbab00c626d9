import Fastify from 'fastify'
import security from '@fastify-production/security'
import { RATE_LIMIT, listenFastify } from '../common.js'

// Headers, CORS and the in-memory rate limiter, with a limit no load can reach.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(security, {
    cors: { origins: ['https://app.example.com'] },
    rateLimit: { ...RATE_LIMIT }
  })
  return listenFastify(app, port)
}
