// Keys past `maxKeys` in one window share this counter: memory stays bounded and rotating
// addresses cannot escape the limit, at the price of new clients sharing a budget during a flood.
const OVERFLOW = '\u0000overflow'
const MAX_TIMER_MS = 2_147_483_647

/** Fixed-window counters in process memory: one Map per window, dropped whole when it ends. */
export class MemoryStore {
  readonly windowMs: number
  readonly maxKeys: number
  /** When the current window ends (ms since epoch). */
  resetAt = 0
  private counts = new Map<string, number>()
  private readonly timer: NodeJS.Timeout

  constructor (windowMs: number, maxKeys: number) {
    this.windowMs = windowMs
    this.maxKeys = maxKeys
    // Frees an idle window's keys without waiting for the next request; never keeps the process up.
    this.timer = setInterval(() => { this.roll(Date.now()) }, Math.min(windowMs, MAX_TIMER_MS)).unref()
  }

  private roll (now: number): void {
    if (now >= this.resetAt) {
      this.counts.clear()
      this.resetAt = now + this.windowMs
    }
  }

  /** Counts one request for `key` and returns its count in the current window. */
  hit (key: string, now: number): number {
    this.roll(now)
    let count = this.counts.get(key)
    if (count === undefined && this.counts.size >= this.maxKeys) {
      key = OVERFLOW
      count = this.counts.get(key)
    }
    count = count === undefined ? 1 : count + 1
    this.counts.set(key, count)
    return count
  }

  close (): void {
    clearInterval(this.timer)
    this.counts.clear()
  }
}
