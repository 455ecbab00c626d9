import type { IncomingMessage } from 'node:http'

/**
 * Whether a response that reported 'finish' was in fact abandoned: HTTP/2 reports a stream the
 * client reset as finished, and only its request says `aborted`. Only HTTP/2: an HTTP/1.1 request
 * body cut short after a finished response is no abandoned request. (A response that closes without
 * finishing is abandoned on any protocol; logging and metrics see that on the response's 'close'.)
 */
export function resetByClient (request: Pick<IncomingMessage, 'aborted' | 'httpVersionMajor'>): boolean {
  return request.aborted && request.httpVersionMajor === 2
}
