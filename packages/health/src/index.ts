import fp from 'fastify-plugin'
import type { Server } from 'node:http'
import type { FastifyPluginAsync } from 'fastify'
import { closeListener, find, HealthCap, lifecycle, listen, MetricsCap, problems, processMonitor, provide } from '@fastify-production/core'
import { resolveCheck, resolveOptions, type HealthOptions } from './options.js'
import { CheckRunner } from './checks.js'
import { Readiness } from './readiness.js'
import { addProbeRoutes, buildProbes } from './probes.js'
import { createProbeServer } from './probe-listener.js'
import { PressureMonitor, readingOf } from './pressure.js'
import { SHED_COUNTER, Shedder } from './shedding.js'
import { underPressureRegistered } from './under-pressure.js'
import { codes } from './errors.js'
import type { HealthDecorator } from './decorator.js'

const healthPlugin: FastifyPluginAsync<HealthOptions> = async function health (fastify, options) {
  const opts = resolveOptions(options)
  const app = lifecycle(fastify)
  const runner = new CheckRunner(opts.checks, opts.cacheMs, fastify.log)
  const readiness = new Readiness(app, runner, fastify.log)
  const writer = problems(fastify)
  const shedder = new Shedder({ problems: writer, retryAfter: opts.retryAfter, maxQueueDelay: opts.maxQueueDelay, log: fastify.log })

  // Next to the app's own @fastify/under-pressure, shedding twice would answer 503 for either's
  // limits with two bodies: it sheds, we measure, unless `loadShedding: true` was asked for.
  const yieldsShedding = (): boolean => opts.loadShedding && !opts.loadSheddingGiven && underPressureRegistered(fastify)
  let shedding = opts.loadShedding && !yieldsShedding()

  const monitor = new PressureMonitor({
    limits: opts,
    warnEventLoopDelay: opts.warnEventLoopDelay,
    log: fastify.log,
    onChange: (state) => { if (shedding) shedder.reason = state.reason }
  })
  const unsubscribe = processMonitor().subscribe(opts.sampleInterval, (sample) => { monitor.sample(readingOf(sample)) })

  let server: Server | undefined
  let address: HealthDecorator['address'] = null

  const decorator: HealthDecorator = {
    get state () { return app.state },
    get pressure () { return monitor.state },
    get address () { return address },
    drain () { app.drain() },
    setReady (ready, reason) { readiness.setReady(ready, reason) },
    addCheck (name, check, checkOptions) {
      const [key, definition] = resolveCheck(name, check, checkOptions)
      if (runner.has(key)) throw new codes.FP_ERR_HEALTH_CHECK(key, 'a check with this name exists already')
      runner.add(key, definition)
    }
  }
  fastify.decorate('health', decorator)
  // Other packages of the suite (dependencies, tasks) add their checks here, never through `fastify.health`.
  provide(fastify, HealthCap, { addCheck: decorator.addCheck }, '@fastify-production/health')

  if (shedding) fastify.addHook('onRequest', shedder.hook)
  // With `port`, the probes live only on their own listener, as metrics' endpoint does: one answer
  // per probe, and the app's port carries no route the platform calls. That listener starts at
  // onReady, before listen() binds the app's port: its startup and readiness wait for that.
  let bound = opts.port === undefined
  function appBound (): boolean {
    if (!bound) bound = fastify.server.listening
    return bound
  }
  const probes = buildProbes({ detailToken: opts.detailToken, readiness, appBound })
  if (opts.port === undefined) addProbeRoutes(fastify, opts.prefix, probes)

  async function startProbeListener (port: number): Promise<void> {
    server = createProbeServer(opts.prefix, probes, writer, fastify.log)
    const info = await listen(server, port, opts.host, codes.FP_ERR_HEALTH_LISTEN)
    address = { address: info.address, port: info.port }
    fastify.log.info({ address }, 'health probe listener started')
  }

  fastify.addHook('onReady', async function healthReady () {
    // Again here: under-pressure may have been registered after us.
    if (shedding && yieldsShedding()) {
      shedding = false
      shedder.reason = null
    }
    if (underPressureRegistered(fastify)) {
      fastify.log.info({ loadShedding: shedding }, shedding
        ? 'health: @fastify/under-pressure is registered too; both shed load (loadShedding: true)'
        : 'health: @fastify/under-pressure is registered; it sheds load, health only measures (pass loadShedding: true to shed here too)')
    }
    if (shedding) shedder.counter = find(fastify, MetricsCap)?.counter(SHED_COUNTER)
    // Before the first readiness run, which may take a check timeout: the kubelet meanwhile reads
    // 503 `starting` rather than a refused connection.
    if (opts.port !== undefined) await startProbeListener(opts.port)
    await readiness.boot()
  })
  fastify.addHook('onClose', async function healthClosed () {
    unsubscribe()
    runner.close()
    readiness.close()
    if (server !== undefined) {
      await closeListener(server)
      address = null
    }
  })
}

/** Liveness, readiness and startup probes, bounded dependency checks and load shedding. */
export const health = fp(healthPlugin, { fastify: '5.x', name: '@fastify-production/health' })
export default health

export type { HealthOptions, HealthCheckFunction, HealthCheckOptions, HealthCheckDefinition } from './options.js'
export type { HealthDecorator } from './decorator.js'
export type { HealthState, ProbeStatus } from './readiness.js'
export type { CheckStatus } from './checks.js'
export type { PressureState, PressureReason } from './pressure.js'
export type { ShedReason } from './shedding.js'
export { PRESSURE_CHANNEL } from './pressure.js'
export { HealthResponse, HealthCheckResult } from './probes.js'
export { defaultLimits } from './options.js'
export { codes } from './errors.js'
