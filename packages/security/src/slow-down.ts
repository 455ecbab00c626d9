/** The longest timer Node can set; a longer `maxDelayMs` would fire at once. */
export const MAX_DELAY_MS = 2_147_483_647

/** A tier's slow-down: past `after` requests in a window, each waits `stepMs` more than the one before, up to `maxMs`. */
export interface Delay {
  after: number
  stepMs: number
  maxMs: number
}

interface DelayKeys {
  delayAfter?: unknown
  delayMs?: unknown
  maxDelayMs?: unknown
}

function isInteger (value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_DELAY_MS
}

/**
 * The slow-down of a tier or a route, or undefined when it has none. Options are schema-checked
 * before; a route's config is not, so every key is checked here too.
 */
export function resolveDelay (given: DelayKeys, max: number, fail: (key: string, what: string) => Error): Delay | undefined {
  const { delayAfter, delayMs, maxDelayMs } = given
  if (delayAfter === undefined) {
    if (delayMs !== undefined) throw fail('delayMs', 'needs delayAfter (the requests per window answered without delay)')
    if (maxDelayMs !== undefined) throw fail('maxDelayMs', 'needs delayAfter (the requests per window answered without delay)')
    return undefined
  }
  if (!isInteger(delayAfter, 0)) throw fail('delayAfter', 'must be an integer >= 0')
  if (delayAfter >= max) throw fail('delayAfter', `must be below max (${max}): past max requests are refused, so they would never be slowed down`)
  if (delayMs !== undefined && !isInteger(delayMs, 1)) throw fail('delayMs', `must be an integer from 1 to ${MAX_DELAY_MS} (milliseconds)`)
  if (maxDelayMs !== undefined && !isInteger(maxDelayMs, 1)) throw fail('maxDelayMs', `must be an integer from 1 to ${MAX_DELAY_MS} (milliseconds)`)
  return { after: delayAfter, stepMs: delayMs ?? 500, maxMs: maxDelayMs ?? 5000 }
}

/** How long the `count`-th request of a window waits (0: at once). */
export function delayOf (delay: Delay, count: number): number {
  return count > delay.after ? Math.min((count - delay.after) * delay.stepMs, delay.maxMs) : 0
}

/** Goes on with the request; `early` when a shutdown cut the delay short. */
export type Go = (early: boolean) => void

interface Pending {
  timer: NodeJS.Timeout | undefined
  go: Go
}

/**
 * Requests waiting out their slow-down: each holds one timer and one entry here, nothing else.
 * `end()` lets every waiting request go at once and stops new waits, so no request waits past the
 * start of a shutdown (a drain or a close would otherwise wait for the longest delay).
 */
export class Delays {
  private readonly pending = new Set<Pending>()
  private ended = false

  private readonly fire = (entry: Pending): void => {
    this.pending.delete(entry)
    entry.go(false)
  }

  /** Calls `go` after `ms`; false (and `go` not called) once ended, so the caller goes on at once. */
  wait (ms: number, go: Go): boolean {
    if (this.ended) return false
    const entry: Pending = { timer: undefined, go }
    entry.timer = setTimeout(this.fire, ms, entry)
    this.pending.add(entry)
    return true
  }

  end (): void {
    this.ended = true
    const waiting = [...this.pending]
    this.pending.clear()
    for (const entry of waiting) clearTimeout(entry.timer)
    // Off the caller's stack: the lifecycle listener (or onClose) that ends the delays should not run requests.
    process.nextTick(() => { for (const entry of waiting) entry.go(true) })
  }
}
