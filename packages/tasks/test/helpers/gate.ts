/**
 * Shared memory between a test and its worker-thread tasks: a task adds 1 to cell 0 when it starts
 * and blocks until cell 1 is set. The test waits for starts as events (Atomics.waitAsync), not clocks.
 */
export class Gate {
  readonly gate = new SharedArrayBuffer(8)
  readonly #cells = new Int32Array(this.gate)

  /** How many tasks have started. */
  get started (): number {
    return Atomics.load(this.#cells, 0)
  }

  /** Resolves once `count` tasks have started. */
  async waitForStarts (count: number): Promise<void> {
    for (let seen = this.started; seen < count; seen = this.started) {
      const waited = waitAsync(this.#cells, 0, seen)
      if (waited.async) await waited.value
    }
  }

  /** Lets every held task (and every later one) finish. */
  release (): void {
    Atomics.store(this.#cells, 1, 1)
    Atomics.notify(this.#cells, 1)
  }
}

type WaitAsync = (cells: Int32Array, index: number, value: number) => { async: boolean, value: Promise<string> | string }
// ES2024 (Node >= 16); the shared tsconfig's lib is ES2023.
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync
