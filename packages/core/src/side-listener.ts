import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Binds a listener of the suite's own (metrics' endpoint, health's probes) beside the app's and
 * resolves with the bound address; rejects with the listen error (EADDRINUSE...), leaving nothing bound.
 */
export function listen (server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
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
