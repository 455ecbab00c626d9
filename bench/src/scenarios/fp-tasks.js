import Fastify from 'fastify'
import tasks from '@fastify-production/tasks'
import { listenFastify } from '../common.js'

// The worker pool registered (no thread starts until a task), /hello calling no task: what the
// package costs a request that does not use it (budget 0: it adds no hook at all).
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(tasks)
  return listenFastify(app, port)
}
