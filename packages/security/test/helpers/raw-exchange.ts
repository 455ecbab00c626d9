import { once } from 'node:events'
import { connect } from 'node:net'

/** Writes raw bytes to the server and returns everything it answers until it closes the socket. */
export async function rawExchange (port: number, request: string): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  // Fastify destroys the socket right after writing: the client may see a reset.
  socket.on('error', () => {})
  await once(socket, 'connect')
  socket.write(request)
  let text = ''
  socket.on('data', (chunk: Buffer) => { text += chunk.toString() })
  await once(socket, 'close')
  return text
}
