import { basename } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { TransferListItem } from 'node:worker_threads'
import { Piscina } from 'piscina'
import { codes } from './errors.js'
import { asFile, type ResolvedTasksOptions } from './options.js'

/** How a task ended, as the `outcome` label of `tasks_duration_seconds` says it. */
export type TaskOutcome = 'ok' | 'error' | 'timeout' | 'aborted' | 'closed'

/** Options of one `runTask` call. */
export interface RunTaskOptions {
  /** Cancels the task when aborted (pass `clientGone(reply)`: a client that leaves cancels its task). @default undefined */
  signal?: AbortSignal
  /** This task's timeout in milliseconds, queue wait included. @default the plugin's `timeout` */
  timeout?: number
  /** Objects moved to the worker instead of copied (ArrayBuffers, MessagePorts). @default [] */
  transferList?: readonly TransferListItem[]
}

/** What the pool tells the metrics. */
export interface PoolObserver {
  settled: (task: string, outcome: TaskOutcome, seconds: number) => void
  rejected: (reason: 'queue_full' | 'closed') => void
}

const NO_OBSERVER: PoolObserver = { settled () {}, rejected () {} }

type Why = 'timeout' | 'aborted' | undefined

/**
 * The worker pool behind `fastify.runTask`. Admission is bounded here, not by piscina's `maxQueue`:
 * piscina files every task that carries an AbortSignal (all of ours, for the timeout) in a side
 * queue its `maxQueue` does not count, so its own bound would never apply.
 */
export class TaskPool {
  readonly #piscina: Piscina
  readonly #options: ResolvedTasksOptions
  readonly capacity: number
  readonly #retryHeaders: Readonly<Record<string, string>>
  observer: PoolObserver = NO_OBSERVER
  #pending = 0
  #accepting = true
  #terminated = false
  #idle: (() => void) | undefined

  constructor (options: ResolvedTasksOptions, onError: (err: unknown) => void) {
    this.#options = options
    this.capacity = options.maxThreads + options.maxQueue
    this.#retryHeaders = Object.freeze({ 'retry-after': String(options.retryAfter) })
    this.#piscina = new Piscina({
      filename: options.filename ?? null,
      minThreads: options.minThreads,
      maxThreads: options.maxThreads,
      idleTimeout: options.idleTimeout,
      concurrentTasksPerWorker: 1
    })
    // An EventEmitter's 'error' without a listener would throw from a worker's failure.
    this.#piscina.on('error', onError)
  }

  /** Tasks accepted and not yet finished, running or queued. */
  get pending (): number {
    return this.#pending
  }

  /** Tasks waiting for a thread. */
  get queued (): number {
    return this.#piscina.queueSize
  }

  /** True while a new task would be refused for a full queue. */
  get saturated (): boolean {
    return this.#pending >= this.capacity
  }

  async run<R> (task: string | URL, input: unknown, options: RunTaskOptions = {}): Promise<R> {
    const file = asFile(task)
    const label = file === undefined ? String(task) : basename(file)
    if (file === undefined && this.#options.filename === undefined) {
      throw new codes.FP_ERR_TASKS_NO_FILE(label, '')
    }
    if (!this.#accepting) {
      this.observer.rejected('closed')
      throw this.#unavailable(new codes.FP_ERR_TASKS_CLOSED(''))
    }
    if (this.#pending >= this.capacity) {
      this.observer.rejected('queue_full')
      throw this.#unavailable(new codes.FP_ERR_TASKS_QUEUE_FULL(String(this.capacity)))
    }
    const { signal, transferList } = options
    if (signal?.aborted === true) throw aborted(label, signal.reason)
    const timeout = options.timeout ?? this.#options.timeout

    const controller = new AbortController()
    let why: Why
    const timer = setTimeout(() => {
      why = 'timeout'
      controller.abort()
    }, timeout)
    const onAbort = (): void => {
      why = 'aborted'
      controller.abort()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    this.#pending++
    const started = performance.now()
    const settle = (outcome: TaskOutcome): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      this.#pending--
      this.observer.settled(label, outcome, (performance.now() - started) / 1000)
      if (this.#pending === 0) this.#idle?.()
    }
    try {
      const result = await this.#piscina.run(input, {
        filename: file ?? null,
        name: file === undefined ? String(task) : 'default',
        signal: controller.signal,
        transferList: transferList as TransferListItem[] | undefined
      }) as R
      settle('ok')
      return result
    } catch (err) {
      if (why === 'timeout') {
        settle('timeout')
        throw Object.assign(new codes.FP_ERR_TASKS_TIMEOUT(label, String(timeout), { cause: err }), { expose: true })
      }
      if (why === 'aborted') {
        settle('aborted')
        throw aborted(label, signal?.reason)
      }
      if (this.#terminated) {
        settle('closed')
        throw this.#unavailable(new codes.FP_ERR_TASKS_CLOSED(`; task ${label} was stopped`, { cause: err }))
      }
      settle('error')
      throw err
    }
  }

  /** New tasks are refused (503) from now on; running and queued ones carry on. */
  stopAccepting (): void {
    this.#accepting = false
  }

  /** Refuses new tasks, waits up to `waitMs` for the ones in flight, then terminates every thread. */
  async close (waitMs: number): Promise<void> {
    this.#accepting = false
    if (this.#pending > 0) {
      const stop = new AbortController()
      const idle = new Promise<void>((resolve) => { this.#idle = resolve })
      await Promise.race([idle, sleep(waitMs, undefined, { signal: stop.signal }).catch(() => {})])
      stop.abort()
    }
    this.#terminated = true
    await this.#piscina.destroy()
  }

  #unavailable<E extends Error> (err: E): E {
    return Object.assign(err, { expose: true, headers: this.#retryHeaders })
  }
}

function aborted (label: string, reason: unknown): Error {
  const err = new codes.FP_ERR_TASKS_ABORTED(label, reason instanceof Error ? `: ${reason.message}` : '', { cause: reason })
  return Object.assign(err, { expose: true })
}
