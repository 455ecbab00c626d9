import Fastify from 'fastify'
import { listenFastify } from '../common.js'

// The baseline every ratio is computed against.
export default function start ({ port }) {
  return listenFastify(Fastify(), port)
}
