import type { FastifyRequest } from 'fastify'

/** Why an outbound call stopped before it was answered. */
export class CallCancelled extends Error {
  override name = 'CallCancelled'
}

const CLIENT_GONE = 'the client closed the connection'

// Keyed by the raw request, made on the first outbound call only: requests without one pay nothing.
const signals = new WeakMap<object, AbortSignal>()

/**
 * An AbortSignal that aborts when the client of `request` goes away before its answer. Node emits
 * 'close' on the request once its response is done too; only `aborted` tells a client that left.
 */
export function requestSignal (request: FastifyRequest): AbortSignal {
  const raw = request.raw
  const existing = signals.get(raw)
  if (existing !== undefined) return existing
  const controller = new AbortController()
  if (raw.aborted) controller.abort(new CallCancelled(CLIENT_GONE))
  else {
    raw.once('close', () => {
      if (raw.aborted) controller.abort(new CallCancelled(CLIENT_GONE))
    })
  }
  signals.set(raw, controller.signal)
  return controller.signal
}
