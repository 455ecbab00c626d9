import Fastify from 'fastify'
import health from '@fastify-production/health'
import { listenFastify } from '../common.js'

// Probes plus load shedding with its defaults; a shed request shows up as non-2xx in the table.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(health)
  return listenFastify(app, port)
}
