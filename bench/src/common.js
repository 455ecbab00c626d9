import { pbkdf2Sync } from 'node:crypto'

// What every scenario serves, so that only the stack around it differs.
export const HOST = '127.0.0.1'
export const ROUTE = '/hello'
export const PAYLOAD = Object.freeze({ hello: 'world', n: 1 })
export const BODY = JSON.stringify(PAYLOAD)

// Fastify scenarios serialize through this schema, as a production route would.
export const responseSchema = {
  200: {
    type: 'object',
    properties: {
      hello: { type: 'string' },
      n: { type: 'integer' }
    },
    required: ['hello', 'n']
  }
}

// High enough that no scenario ever answers 429: a limiter that rejects would fake speed.
export const RATE_LIMIT = Object.freeze({ max: 1e9, timeWindow: 60_000 })

export function addHelloRoute (app) {
  app.get(ROUTE, { schema: { response: responseSchema } }, async () => PAYLOAD)
}

// The overload scenario (src/overload.js) sets BENCH_OVERLOAD=1. Its route does about 1 ms of CPU, as a
// real handler does, so that one load-generator core can offer 4× what one server core serves (with
// /hello's 20–40 µs the generator runs out of CPU first). A liveness route is added where the stack has
// none, as a user would add one by hand (under @fastify/under-pressure it is shed like any route).
export const WORK_ROUTE = '/work'
export const LIVE_ROUTE = '/health/live'
export const WORK_ITERATIONS = Number(process.env.BENCH_WORK_ITERATIONS ?? 4000)

function addOverloadRoutes (app) {
  app.get(WORK_ROUTE, { schema: { response: responseSchema } }, async () => {
    pbkdf2Sync('password', 'salt', WORK_ITERATIONS, 32, 'sha256')
    return PAYLOAD
  })
  if (!app.hasRoute({ method: 'GET', url: LIVE_ROUTE })) app.get(LIVE_ROUTE, async () => ({ status: 'ok' }))
}

export async function listenFastify (app, port) {
  addHelloRoute(app)
  if (process.env.BENCH_OVERLOAD === '1') addOverloadRoutes(app)
  // `--backlog N` (run.js): the listen backlog, to try a shorter accept queue under overload.
  await app.listen({ host: HOST, port, ...(process.env.BENCH_BACKLOG ? { backlog: Number(process.env.BENCH_BACKLOG) } : {}) })
  return {
    port: app.server.address().port,
    close: () => app.close()
  }
}

export function listenServer (server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => {
      server.off('error', reject)
      resolve({
        port: server.address().port,
        close: () => new Promise((resolve) => server.close(() => resolve()))
      })
    })
  })
}
