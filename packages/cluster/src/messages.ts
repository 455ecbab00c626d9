/** Key of every IPC message this package sends, so other users of the channel (prom-client...) are left alone. */
export const TAG = 'fpCluster'

/** Primary to worker. `stop`: shut down now; `retire`: stop accepting, drain, then shut down; `metrics`: send your registry. */
export type ToWorker =
  | { [TAG]: 'stop' }
  | { [TAG]: 'retire' }
  | { [TAG]: 'metrics', id: number }

/** Worker to primary. */
export type ToPrimary =
  | { [TAG]: 'ready' }
  | { [TAG]: 'rss', rss: number }
  | { [TAG]: 'metrics', id: number, metrics: unknown[] | null }
  | { [TAG]: 'reload' }
  | { [TAG]: 'close' }

export function isOurs<T> (message: unknown): message is T {
  return typeof message === 'object' && message !== null && typeof (message as Record<string, unknown>)[TAG] === 'string'
}

/** Sends over IPC; a closed channel (the other side is gone) is not an error worth raising here. */
export function sendToPrimary (message: ToPrimary): void {
  process.send?.(message, undefined, {}, () => {})
}
