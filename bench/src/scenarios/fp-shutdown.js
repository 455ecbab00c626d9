import Fastify from 'fastify'
import shutdown from '@fastify-production/shutdown'
import { listenFastify } from '../common.js'

// Signal handling and server timeouts: nothing should run per request.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(shutdown)
  return listenFastify(app, port)
}
