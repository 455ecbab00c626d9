import { createHash } from 'node:crypto'
import type { RedisClient } from './options.js'

// One round trip: count, and start the window on the first hit (or heal a key that lost its TTL).
const SCRIPT = `local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`
const SHA = createHash('sha1').update(SCRIPT).digest('hex')

export class StoreTimeoutError extends Error {
  override name = 'StoreTimeoutError'
  constructor (ms: number) {
    super(`rate-limit store did not answer within ${ms} ms`)
  }
}

export interface RedisHit {
  count: number
  /** Milliseconds until the key's window ends. */
  ttl: number
}

function parseReply (reply: unknown): RedisHit {
  if (Array.isArray(reply) && typeof reply[0] === 'number' && typeof reply[1] === 'number') {
    return { count: reply[0], ttl: reply[1] }
  }
  throw new Error('unexpected reply from the rate-limit script')
}

/** Fixed-window counters in Redis, shared by every instance that uses the same prefix. */
export class RedisStore {
  private readonly client: RedisClient
  private readonly timeoutMs: number

  constructor (client: RedisClient, timeoutMs: number) {
    this.client = client
    this.timeoutMs = timeoutMs
  }

  private async run (key: string, windowMs: number): Promise<RedisHit> {
    try {
      return parseReply(await this.client.evalsha(SHA, 1, key, windowMs))
    } catch (err) {
      // A fresh or flushed server does not know the script yet: EVAL sends and caches it.
      if (!String((err as Error | undefined)?.message).startsWith('NOSCRIPT')) throw err
      return parseReply(await this.client.eval(SCRIPT, 1, key, windowMs))
    }
  }

  /** Counts one request for `key`; settles within the store timeout, whatever Redis does. */
  hit (key: string, windowMs: number): Promise<RedisHit> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { reject(new StoreTimeoutError(this.timeoutMs)) }, this.timeoutMs)
      this.run(key, windowMs).then((hit) => {
        clearTimeout(timer)
        resolve(hit)
      }, (err: unknown) => {
        clearTimeout(timer)
        reject(err)
      })
    })
  }
}
