/** One worker's RSS samples: true once it has stayed above the limit for `samples` samples in a row. */
export class MemoryWatch {
  readonly #limitBytes: number
  readonly #samples: number
  #above = 0

  constructor (maxMemoryMb: number, samples: number) {
    this.#limitBytes = maxMemoryMb * 1024 * 1024
    this.#samples = samples
  }

  /** Consecutive samples above the limit so far. */
  get above (): number {
    return this.#above
  }

  /** Feeds one sample (bytes); a single dip below the limit starts the count again. */
  sample (rssBytes: number): boolean {
    this.#above = rssBytes > this.#limitBytes ? this.#above + 1 : 0
    return this.#above >= this.#samples
  }
}
