import { isSuiteListener } from '@fastify-production/core'

type Listener = (...args: any[]) => void

/** How many copies of signal-exit (v4, and v3 beside it) have their listeners on the signals now. */
function signalExitCopies (): number {
  const emitters = [
    (globalThis as unknown as Record<symbol, { count?: unknown } | undefined>)[Symbol.for('signal-exit emitter')],
    (process as unknown as { __signal_exit_emitter__?: { count?: unknown } }).__signal_exit_emitter__
  ]
  let copies = 0
  for (const emitter of emitters) {
    const count = emitter?.count
    if (typeof count === 'number') copies += count
  }
  return copies
}

// signal-exit (loaded by test runners, coverage tools, many CLIs) re-raises a signal only when its
// listeners are the only ones left, so next to ours it never acts. Its listeners read
// `process.listeners(sig)` to count; no more of them are skipped than its emitters say are loaded.
const SIGNAL_EXIT_SOURCE = /\blisteners\(sig\)/

/** Listeners on `signal` installed neither by the suite nor by signal-exit: whoever closes or exits there. */
export function foreignListeners (signal: string): Listener[] {
  let signalExit = signalExitCopies()
  return (process.listeners(signal as NodeJS.Signals) as Listener[]).filter((listener) => {
    if (isSuiteListener(listener)) return false
    if (signalExit > 0 && SIGNAL_EXIT_SOURCE.test(Function.prototype.toString.call(listener))) {
      signalExit--
      return false
    }
    return true
  })
}

/** `function onSignal`, or `an anonymous function`: what a log line or an error can name. */
export function describeListener (listener: Listener): string {
  return listener.name === '' ? 'an anonymous function' : `function ${listener.name}`
}

/** `SIGTERM (function onSignal), SIGINT (function onSignal)` for the signals some foreign listener holds, or ''. */
export function takenSignals (signals: readonly string[]): string {
  return signals
    .map((signal) => [signal, foreignListeners(signal)] as const)
    .filter(([, listeners]) => listeners.length > 0)
    .map(([signal, listeners]) => `${signal} (${listeners.map(describeListener).join(', ')})`)
    .join(', ')
}
