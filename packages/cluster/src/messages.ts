import type { WorkerMetrics } from '@fastify-production/core'
/** Key of every IPC message this package sends, so other users of the channel (prom-client...) are left alone. */
export const TAG = 'fpCluster'

/** One worker's registry as JSON, with its `worker` slot label (core's type, shared with metrics). */
export type { WorkerMetrics } from '@fastify-production/core'

/** What a worker that could not start tells the primary, instead of logging it itself. */
export interface BootError {
  type: string
  message: string
  code: string
  stack: string | undefined
}

/**
 * Primary to worker. `stop`: shut down now; `retire`: stop accepting, drain, then shut down;
 * `metrics`: send your registry; `collected`: every worker's registry, for the scrape of `id`.
 */
export type ToWorker =
  | { [TAG]: 'stop' }
  | { [TAG]: 'retire' }
  | { [TAG]: 'metrics', id: number }
  | { [TAG]: 'collected', id: number, workers: WorkerMetrics[] }

/** Worker to primary. `collect`: a scrape reached this worker, send every worker's registry. */
export type ToPrimary =
  | { [TAG]: 'ready' }
  | { [TAG]: 'rss', rss: number }
  | { [TAG]: 'metrics', id: number, metrics: unknown[] | null }
  | { [TAG]: 'collect', id: number }
  | { [TAG]: 'failed', error: BootError }
  | { [TAG]: 'reload' }
  | { [TAG]: 'close' }

export function isOurs<T> (message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as Record<string, unknown>)[TAG] === 'string'
}

/** Sends over IPC; a closed channel (the other side is gone) is not an error worth raising here. */
export function sendToPrimary (message: ToPrimary, sent: (err: Error | null) => void = () => {}): void {
  process.send?.(message, undefined, {}, sent)
}

/**
 * An error as one JSON-safe object: `code` is the error's code, else its name (`TypeError`...). A
 * coded error names its cause; an uncoded one (a plugin that throws) keeps its stack to find it by.
 */
export function bootError (err: unknown): BootError {
  const e = err instanceof Error ? err : new Error(String(err))
  const code = (e as { code?: unknown }).code
  return typeof code === 'string'
    ? { type: e.name, message: e.message, code, stack: undefined }
    : { type: e.name, message: e.message, code: e.name, stack: e.stack }
}
