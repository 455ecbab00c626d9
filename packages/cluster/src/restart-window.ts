/** Unexpected worker exits over a sliding window of `windowMs`: the crash-loop detector. */
export class RestartWindow {
  readonly #windowMs: number
  readonly #limit: number
  #times: number[] = []

  constructor (limit: number, windowMs: number) {
    this.#limit = limit
    this.#windowMs = windowMs
  }

  /** Records a restart at `now` (ms) and returns how many fall inside the window, this one included. */
  record (now: number): number {
    const since = now - this.#windowMs
    this.#times = this.#times.filter((t) => t > since)
    this.#times.push(now)
    return this.#times.length
  }

  /** More restarts than allowed in the window: a crash loop. */
  exceeded (count: number): boolean {
    return count > this.#limit
  }
}
