import type { FastifyBaseLogger } from 'fastify'
import { Dependency } from './dependency.js'
import type { DependencyDefinition, ErrorKind } from './options.js'

/** What the adapter needs of an ioredis client. */
export interface RedisLike {
  status: string
  connect: () => Promise<void>
  ping: () => Promise<string>
  quit: () => Promise<string>
  disconnect: () => void
  on: (event: 'error' | 'ready', listener: (err: Error) => void) => unknown
  listenerCount: (event: 'error') => number
}

const REFUSED_REPLIES = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)\b/

/**
 * ioredis errors by kind: the command never reached a ready server (refused connection, offline
 * queue off, retries per request used up, server loading) is `refused`; `Command timed out` and a
 * lost connection are `failed`; any other Redis error reply (WRONGTYPE...) is an `answer`.
 */
export function classifyRedisError (error: unknown): ErrorKind {
  const name = (error as { name?: unknown } | null)?.name
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : ''
  if (name === 'ReplyError') return REFUSED_REPLIES.test(message) ? 'refused' : 'answer'
  if (name === 'MaxRetriesPerRequestError' || code === 'ECONNREFUSED' || message.startsWith('Stream isn\'t writeable') ||
    message === 'Connection is closed.') return 'refused'
  return 'failed'
}

/** A Redis client as a dependency. */
export class RedisDependency<C extends RedisLike = RedisLike> extends Dependency {
  readonly client: C

  constructor (client: C, definition: DependencyDefinition = {}) {
    super({
      connect: async () => {
        // lazyConnect: the first connect is ours; after that ioredis reconnects on its own.
        if (client.status === 'wait') client.connect().catch(() => {})
        await client.ping()
      },
      check: () => client.ping(),
      // quit waits for the server; one that is down would hold it until closeTimeout, and keep reconnecting.
      close: async () => { if (client.status === 'ready') await client.quit(); else client.disconnect() },
      classify: classifyRedisError,
      ...definition
    }, 'redisDependency')
    this.client = client
  }

  protected override attached (log: FastifyBaseLogger): void {
    const client = this.client
    // Without an 'error' listener ioredis prints every failed reconnect; log the first of each outage.
    if (client.listenerCount('error') > 0) return
    let reported = false
    client.on('error', (err) => {
      if (reported) return
      reported = true
      log.warn({ dependency: this.name, err }, `dependency ${String(this.name)}: connection lost; ioredis reconnects`)
    })
    client.on('ready', () => { reported = false })
  }
}

/**
 * An ioredis client as a dependency: connect (with `lazyConnect: true`, the first connect happens
 * here, with backoff) and check with PING, close with QUIT. Create it with `connectTimeout`,
 * `commandTimeout` and a small `maxRetriesPerRequest` so no command waits longer than the policy.
 */
export function redisDependency<C extends RedisLike> (client: C, definition: DependencyDefinition = {}): RedisDependency<C> {
  return new RedisDependency(client, definition)
}
