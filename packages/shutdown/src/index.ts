import fp from 'fastify-plugin'
import type { FastifyPluginAsync } from 'fastify'
import { lifecycle, provide, ShutdownCap } from '@fastify-production/core'
import { resolveOptions, type ShutdownOptions } from './options.js'
import { InFlight } from './in-flight.js'
import { ShutdownHooks, type ShutdownHook } from './hooks.js'
import { ShutdownSequence, type ShutdownState } from './sequence.js'
import { applyServerTimeouts } from './server-timeouts.js'

/** `fastify.shutdown`: the app's shutdown state and controls. */
export interface ShutdownApi {
  /** `running`, then `draining` from the signal (readiness 503, still serving), then `closing`. */
  readonly state: ShutdownState
  /** Starts the sequence from code, as a signal would (same delay, exit code 0). Ignored once started. */
  trigger: (reason: string) => void
  /** Adds a cleanup step, run after in-flight requests ended, in the order added, each bounded by `hookTimeout`. */
  addHook: (name: string, fn: ShutdownHook) => void
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Shutdown state and controls, from @fastify-production/shutdown. */
    shutdown?: ShutdownApi
  }
}

const shutdownPlugin: FastifyPluginAsync<ShutdownOptions> = async function shutdown (fastify, options) {
  const resolved = resolveOptions(options)
  const inFlight = new InFlight()
  const hooks = new ShutdownHooks()
  const sequence = new ShutdownSequence(fastify, lifecycle(fastify), resolved, inFlight, hooks)

  const api: ShutdownApi = {
    get state () { return sequence.state },
    trigger: (reason) => { sequence.trigger(String(reason)) },
    addHook: (name, fn) => { hooks.add(name, fn) }
  }
  // The other packages (cluster) find it by capability; `fastify.shutdown` is for the app.
  provide(fastify, ShutdownCap, { trigger: api.trigger }, '@fastify-production/shutdown')
  fastify.decorate('shutdown', api)

  fastify.addHook('onRequest', inFlight.onRequest)

  fastify.addHook('onReady', function shutdownReady (done) {
    try {
      sequence.install()
    } catch (err) {
      done(err as Error)
      return
    }
    if (resolved.serverTimeouts !== false) {
      const applied = applyServerTimeouts(fastify.server, fastify.initialConfig, resolved.serverTimeouts)
      fastify.log.debug(applied, 'shutdown: server timeouts set')
    }
    done()
  })

  fastify.addHook('preClose', function shutdownPreClose (done) {
    sequence.closing()
    inFlight.close()
    done()
  })

  fastify.addHook('onClose', async function shutdownOnClose () {
    await hooks.run(fastify.log, resolved.hookTimeout)
    // Mid-sequence the listeners stay until exit, so a second signal still exits at once.
    if (!sequence.started) sequence.uninstall()
  })
}

/** Graceful shutdown: drain, bounded close, clean exit codes, fatal error handling, server timeouts. */
export const shutdown = fp(shutdownPlugin, { fastify: '5.x', name: '@fastify-production/shutdown' })
export default shutdown

export type { ShutdownOptions, ServerTimeoutsOptions, ShutdownSignal } from './options.js'
export type { ShutdownState } from './sequence.js'
export type { ShutdownHook } from './hooks.js'
export type { InFlightRoute } from './in-flight.js'
export { codes } from './errors.js'
