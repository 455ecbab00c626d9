import Fastify from 'fastify'
import { listenFastify } from '../common.js'

// bare Fastify again, in its own process: how far two identical servers differ in one run. A
// package that adds nothing per request (errors, config) can only be judged against this.
export default function start ({ port }) {
  return listenFastify(Fastify(), port)
}
