import Fastify from 'fastify'
import errors from '@fastify-production/errors'
import { listenFastify } from '../common.js'

// Error handlers only run on failures: the success path should cost nothing.
export default async function start ({ port }) {
  const app = Fastify()
  await app.register(errors)
  return listenFastify(app, port)
}
