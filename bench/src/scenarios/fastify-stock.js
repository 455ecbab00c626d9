import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import helmet from '@fastify/helmet'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import metrics from 'fastify-metrics'
import { RATE_LIMIT, listenFastify } from '../common.js'

// The stack users wire by hand from the plugins' READMEs: default options, a UUID request id and
// pino with redaction to stdout (/dev/null under the harness). Only the rate limit is out of reach.
export default async function start ({ port }) {
  const app = Fastify({
    logger: { redact: ['req.headers.authorization', 'req.headers.cookie'] },
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id'
  })
  await app.register(helmet)
  await app.register(cors, { origin: ['https://app.example.com'] })
  await app.register(rateLimit, { ...RATE_LIMIT })
  await app.register(underPressure, {
    maxEventLoopDelay: 1000,
    maxHeapUsedBytes: 512 * 1024 * 1024,
    maxRssBytes: 1024 * 1024 * 1024
  })
  await app.register(metrics, { endpoint: '/metrics' })
  return listenFastify(app, port)
}
