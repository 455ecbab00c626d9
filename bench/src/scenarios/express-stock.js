import http from 'node:http'
import express from 'express'
import helmet from 'helmet'
import cors from 'cors'
import { rateLimit } from 'express-rate-limit'
import { pinoHttp } from 'pino-http'
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { PAYLOAD, RATE_LIMIT, ROUTE, listenServer } from '../common.js'

// The stack the Node.js production guides show: helmet, cors, express-rate-limit, a prom-client
// histogram middleware and pino-http to stdout (/dev/null under the harness). Only the rate limit
// is out of reach.
export default function start ({ port }) {
  const register = new Registry()
  collectDefaultMetrics({ register })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'route', 'status_code'],
    registers: [register]
  })

  const app = express()
  app.use(pinoHttp())
  app.use(helmet())
  app.use(cors({ origin: ['https://app.example.com'] }))
  app.use(rateLimit({
    windowMs: RATE_LIMIT.timeWindow,
    limit: RATE_LIMIT.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false
  }))
  app.use((req, res, next) => {
    const end = duration.startTimer()
    res.on('finish', () => {
      end({ method: req.method, route: req.route?.path ?? 'unmatched', status_code: res.statusCode })
    })
    next()
  })
  app.get('/metrics', async (req, res) => {
    res.set('content-type', register.contentType)
    res.end(await register.metrics())
  })
  app.get(ROUTE, (req, res) => {
    res.json(PAYLOAD)
  })
  return listenServer(http.createServer(app), port)
}
