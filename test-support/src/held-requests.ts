import { EventEmitter, once } from 'node:events'
import { connect, type Socket } from 'node:net'

/** One held request: its reply once the handler runs, and the switch that lets the handler finish. */
export interface Held<R> {
  /** The request's reply, once its handler runs (in an object: a Fastify reply is thenable). */
  arrived: Promise<{ reply: R }>
  /** Lets the handler finish. */
  release: () => void
}

/**
 * Route handlers that wait until the test lets them go: `await hold(reply)` in the handler,
 * `next()` in the test before the request is sent. Arrivals are announced in order, so a test
 * waits for the event (the handler runs) instead of a clock.
 */
export function holder<R> (): { hold: (reply: R) => Promise<void>, next: () => Held<R> } {
  const arrivals = new EventEmitter()
  return {
    hold (reply) {
      return new Promise<void>((resolve) => { arrivals.emit('held', reply, resolve) })
    },
    next () {
      let release = (): void => {}
      const arrived = new Promise<{ reply: R }>((resolve) => {
        arrivals.once('held', (reply: R, go: () => void) => { release = go; resolve({ reply }) })
      })
      return { arrived, release: () => release() }
    }
  }
}

/** Opens a real connection to 127.0.0.1:port and writes `head` (raw HTTP) on it. */
export async function sendRaw (port: number, head: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.write(head)
  return socket
}
