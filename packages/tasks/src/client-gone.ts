import type { FastifyReply } from 'fastify'

/**
 * An AbortSignal that aborts when the client goes away before its response is written: pass it to
 * `runTask` so a client that hangs up cancels its task. Fastify's `request.signal` listens to the
 * request's `close`, which Node also emits once a request body has been read, so on a POST it aborts
 * while the client is still waiting (fastify/fastify#6725); the response's `close` before `finish`
 * is the disconnect itself.
 */
export function clientGone (reply: FastifyReply): AbortSignal {
  const controller = new AbortController()
  const response = reply.raw as { writableFinished?: boolean, once: (event: 'close', listener: () => void) => unknown }
  response.once('close', () => {
    if (response.writableFinished !== true) controller.abort(new Error('the client closed the connection before the response'))
  })
  return controller.signal
}
