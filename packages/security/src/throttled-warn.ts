import type { FastifyBaseLogger } from 'fastify'

const WARN_INTERVAL_MS = 10_000

/** A warning at most every 10 s, with how many were folded into it: an outage must not flood the log. */
export class ThrottledWarn {
  private readonly log: FastifyBaseLogger
  private last = Number.NEGATIVE_INFINITY
  private suppressed = 0

  constructor (log: FastifyBaseLogger) {
    this.log = log
  }

  warn (err: unknown, msg: string, fields: Record<string, unknown> = {}): void {
    const now = Date.now()
    if (now - this.last < WARN_INTERVAL_MS) {
      this.suppressed++
      return
    }
    this.log.warn({ err, ...fields, suppressed: this.suppressed }, msg)
    this.last = now
    this.suppressed = 0
  }
}
