import Fastify from 'fastify'
import { listenFastify } from '../common.js'

// Fastify's default request logging (two lines per request) to stdout; the harness points stdout at /dev/null.
export default function start ({ port }) {
  return listenFastify(Fastify({ logger: true }), port)
}
