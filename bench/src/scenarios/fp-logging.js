import Fastify from 'fastify'
import logging, { loggerOptions, requestIdOptions } from '@fastify-production/logging'
import { listenFastify } from '../common.js'

// Wired as the package asks: its constructor options (pino options; request ids, which also turn
// off Fastify's two lines per request) plus its plugin (one access line). Logs go to stdout.
export default async function start ({ port }) {
  const app = Fastify({ ...requestIdOptions(), logger: loggerOptions() })
  await app.register(logging)
  return listenFastify(app, port)
}
