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

export async function listenFastify (app, port) {
  addHelloRoute(app)
  await app.listen({ host: HOST, port })
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
