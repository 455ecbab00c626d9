import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A package's coded error for a listener that cannot listen: `(host:port, the listen error's message, { cause })`. */
export type ListenError = new (where: string, reason: string, options: { cause: unknown }) => Error

/**
 * Binds a listener of the suite's own (metrics' endpoint, health's probes, the cluster primary's
 * metrics) beside the app's and resolves with the bound address; when it cannot listen (EADDRINUSE...)
 * rejects with the package's `Failed` error, the listen error as its cause, leaving nothing bound.
 */
export function listen (server: Server, port: number, host: string, Failed: ListenError): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => { reject(new Failed(`${host}:${port}`, err.message, { cause: err })) }
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve(server.address() as AddressInfo)
    })
  })
}

/**
 * Closes such a listener at once: no new connections, and every open one ends now, keep-alive or
 * mid-request. Nothing the platform asks these listeners is worth holding the app's close for.
 * Resolves also for a server that never listened.
 */
export function closeListener (server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => { resolve() })
    server.closeAllConnections()
  })
}
