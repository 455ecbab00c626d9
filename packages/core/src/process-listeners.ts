/** A process event and its listener, as `process.on` takes them. */
export type ProcessListener = readonly [event: string, listener: (...args: any[]) => void]

/**
 * Installs process listeners (signals, uncaughtException...) and returns the function that removes
 * exactly those, once; so an app built and closed many times in one process leaves none behind.
 */
export function installProcessListeners (listeners: readonly ProcessListener[]): () => void {
  for (const [event, listener] of listeners) process.on(event, listener)
  let installed = true
  return () => {
    if (!installed) return
    installed = false
    for (const [event, listener] of listeners) process.removeListener(event, listener)
  }
}
