import Fastify from 'fastify'
import metrics from '@fastify-production/metrics'
import { listenFastify } from '../common.js'

// The request histogram and in-flight gauge; /metrics itself is not under load.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(metrics, { token: 'bench-token' })
  return listenFastify(app, port)
}
