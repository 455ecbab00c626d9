import { codes } from './errors.js'
import type { RedisClient } from './options.js'

const CONNECT_WAIT_MS = 2000

export interface OwnedRedis {
  client: RedisClient
  close (): void
}

interface IoredisClient extends RedisClient {
  connect (): Promise<void>
  disconnect (): void
  on (event: 'error', listener: (err: Error) => void): unknown
  off (event: 'error', listener: (err: Error) => void): unknown
}

type IoredisConstructor = new (url: string, options: Record<string, unknown>) => IoredisClient

export async function loadIoredis (importer: () => Promise<{ Redis: unknown }> = async () => await import('ioredis')): Promise<IoredisConstructor> {
  try {
    return (await importer()).Redis as IoredisConstructor
  } catch {
    throw new codes.FP_ERR_SECURITY_REDIS('a URL needs the ioredis package (npm install ioredis), or pass an ioredis client')
  }
}

/**
 * A client this plugin owns (made from a URL). Commands fail at once while disconnected instead of
 * queueing, so an outage costs no memory and answers with the onStoreError policy right away.
 */
export async function connectRedis (url: string, onError: (err: unknown, msg: string) => void): Promise<OwnedRedis> {
  const Redis = await loadIoredis()
  const client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  const listener = (err: Error): void => { onError(err, 'rate-limit Redis connection error') }
  client.on('error', listener)
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      client.connect(),
      new Promise((resolve, reject) => { timer = setTimeout(() => { reject(new Error(`not connected within ${CONNECT_WAIT_MS} ms`)) }, CONNECT_WAIT_MS) })
    ])
  } catch (err) {
    // The app still boots: ioredis keeps reconnecting and onStoreError answers meanwhile.
    onError(err, 'rate-limit Redis not reachable at boot; onStoreError applies until it is')
  } finally {
    clearTimeout(timer)
  }
  return {
    client,
    close () {
      client.off('error', listener)
      client.disconnect()
    }
  }
}
