import type { FastifyInstance } from 'fastify'
import { drain, find, installProcessListeners, ShutdownCap } from '@fastify-production/core'
import type { Log } from './log.js'

/** What the signal listeners saw; `uninstall` removes them. */
export interface SignalGuard {
  readonly signalled: boolean
  uninstall: () => void
}

/** Drain connections, then app.close(); resolves with the exit code. */
export async function closeGracefully (app: FastifyInstance, drainTimeout: number, log: Log): Promise<number> {
  await drain(app.server, drainTimeout)
  try {
    await app.close()
    return 0
  } catch (err) {
    log.error({ err }, 'app.close() failed')
    return 1
  }
}

/** @fastify-production/shutdown in the app: it owns the signals, the sequence and the exit. */
function hasShutdown (app: FastifyInstance): boolean {
  return find(app, ShutdownCap) !== undefined
}

/**
 * SIGTERM / SIGINT for one app. With @fastify-production/shutdown registered (looked up at the
 * signal, so an app that registers it without awaiting is seen too), that plugin owns the sequence
 * and these listeners only note that a signal came. Without it, the first signal drains and closes
 * the app and exits (0, or 1 if close failed); a second exits 1 at once.
 */
export function handleSignals (app: FastifyInstance, drainTimeout: number, log: Log, exit: (code: number) => void): SignalGuard {
  let signalled = false
  let owned = true
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      if (owned) {
        log.error({ signal }, `second ${signal}: exiting now`)
        exit(1)
      }
      return
    }
    signalled = true
    owned = !hasShutdown(app)
    if (!owned) return
    log.info({ signal, drainTimeout }, `${signal}: draining connections, then closing the app`)
    closeGracefully(app, drainTimeout, log).then((code) => {
      log.info({ exitCode: code }, `app closed; exiting with code ${code}`)
      exit(code)
    })
  }
  const uninstall = installProcessListeners([['SIGTERM', onSignal], ['SIGINT', onSignal]])
  return {
    get signalled () { return signalled },
    uninstall
  }
}
