import type { FastifyInstance } from 'fastify'
import { drain } from './drain.js'
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

/**
 * SIGTERM / SIGINT for one app. With @fastify-production/shutdown registered (`fastify.shutdown`),
 * that plugin owns the sequence and these listeners only note that a signal came. Without it, the
 * first signal drains and closes the app and exits (0, or 1 if close failed); a second exits 1 at once.
 */
export function handleSignals (app: FastifyInstance, drainTimeout: number, log: Log, exit: (code: number) => void): SignalGuard {
  const owned = !app.hasDecorator('shutdown')
  let signalled = false
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      if (owned) {
        log.error({ signal }, `second ${signal}: exiting now`)
        exit(1)
      }
      return
    }
    signalled = true
    if (!owned) return
    log.info({ signal, drainTimeout }, `${signal}: draining connections, then closing the app`)
    closeGracefully(app, drainTimeout, log).then((code) => {
      log.info({ exitCode: code }, `app closed; exiting with code ${code}`)
      exit(code)
    })
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  return {
    get signalled () { return signalled },
    uninstall () {
      process.removeListener('SIGTERM', onSignal)
      process.removeListener('SIGINT', onSignal)
    }
  }
}
