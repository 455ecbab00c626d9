/** A process event and its listener, as `process.on` takes them. */
export type ProcessListener = readonly [event: string, listener: (...args: any[]) => void]

type Listener = (...args: any[]) => void

// Process-wide and keyed by a registered symbol: every app of the suite in the process (and every
// installed copy of it) records here, so one app's signal listeners are never taken for a foreign
// one by another (shutdown refuses to start next to a foreign SIGTERM listener).
const kOurs = Symbol.for('fastify-production.process-listeners')
const holder = globalThis as unknown as Record<symbol, Set<Listener> | undefined>

function ours (): Set<Listener> {
  holder[kOurs] ??= new Set()
  return holder[kOurs]
}

/** Whether the suite installed this listener (through `installProcessListeners`) and has not removed it. */
export function isSuiteListener (listener: Listener): boolean {
  return ours().has(listener)
}

/**
 * Installs process listeners (signals, uncaughtException...) and returns the function that removes
 * exactly those, once; so an app built and closed many times in one process leaves none behind.
 */
export function installProcessListeners (listeners: readonly ProcessListener[]): () => void {
  const registry = ours()
  for (const [event, listener] of listeners) {
    registry.add(listener)
    process.on(event, listener)
  }
  let installed = true
  return () => {
    if (!installed) return
    installed = false
    for (const [event, listener] of listeners) {
      process.removeListener(event, listener)
      registry.delete(listener)
    }
  }
}
