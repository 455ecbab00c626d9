import fp from 'fastify-plugin'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { resolveCheck, resolveOptions, type HealthOptions } from './options.js'
import { CheckRunner } from './checks.js'
import { Lifecycle } from './lifecycle.js'
import { registerProbes } from './probes.js'
import { PressureMonitor, eventLoopDelayReader, startSampling, type UsageReadings } from './pressure.js'
import { SHED_COUNTER, Shedder, type MetricsLike } from './shedding.js'
import { codes } from './errors.js'
import type { HealthDecorator } from './decorator.js'

/** under-pressure inside its own encapsulated context: its decorators stay private and, without limits, it adds no hook. */
async function measureWithUnderPressure (fastify: FastifyInstance, sampleInterval: number): Promise<() => UsageReadings> {
  let read: (() => UsageReadings) | undefined
  await fastify.register(async function measure (child) {
    await child.register(underPressure, { sampleInterval, eventLoopUtilizationMode: 'interval' })
    read = child.memoryUsage.bind(child)
  })
  return read as () => UsageReadings
}

const healthPlugin: FastifyPluginAsync<HealthOptions> = async function health (fastify, options) {
  const opts = resolveOptions(options)
  const runner = new CheckRunner(opts.checks, opts.cacheMs, fastify.log)
  const lifecycle = new Lifecycle(runner, fastify.log)
  const shedder = new Shedder(opts.retryAfter)

  const readUsage = await measureWithUnderPressure(fastify, opts.sampleInterval)
  const delay = eventLoopDelayReader()
  const monitor = new PressureMonitor({
    limits: opts,
    warnEventLoopDelay: opts.warnEventLoopDelay,
    log: fastify.log,
    readUsage,
    readDelay: delay.read,
    onChange: (state) => { if (opts.loadShedding) shedder.reason = state.reason }
  })
  const stopSampling = startSampling(opts.sampleInterval, (lateMs) => { monitor.sample(lateMs) })

  const decorator: HealthDecorator = {
    get state () { return lifecycle.state },
    get pressure () { return monitor.state },
    drain () { lifecycle.drain() },
    setReady (ready, reason) { lifecycle.setReady(ready, reason) },
    addCheck (name, check, checkOptions) {
      const [key, definition] = resolveCheck(name, check, checkOptions)
      if (runner.has(key)) throw new codes.FP_ERR_HEALTH_CHECK(key, 'a check with this name exists already')
      runner.add(key, definition)
    }
  }
  fastify.decorate('health', decorator)

  if (opts.loadShedding) fastify.addHook('onRequest', shedder.hook)
  registerProbes(fastify, { prefix: opts.prefix, detailToken: opts.detailToken, lifecycle })

  fastify.addHook('onReady', async function () {
    if (opts.loadShedding && fastify.hasDecorator('metrics')) {
      shedder.counter = (fastify as unknown as { metrics: MetricsLike }).metrics.counter(SHED_COUNTER)
    }
    await lifecycle.boot()
  })
  fastify.addHook('preClose', function (done) {
    lifecycle.closing()
    done()
  })
  fastify.addHook('onClose', function (_instance, done) {
    stopSampling()
    delay.stop()
    runner.close()
    lifecycle.closed()
    done()
  })
}

/** Liveness, readiness and startup probes, bounded dependency checks and load shedding. */
export const health = fp(healthPlugin, { fastify: '5.x', name: '@fastify-production/health' })
export default health

export type { HealthOptions, HealthCheckFunction, HealthCheckOptions, HealthCheckDefinition } from './options.js'
export type { HealthDecorator } from './decorator.js'
export type { HealthState, ProbeStatus } from './lifecycle.js'
export type { CheckStatus } from './checks.js'
export type { PressureState, PressureReason } from './pressure.js'
export { PRESSURE_CHANNEL } from './pressure.js'
export { HealthResponse, HealthCheckResult } from './probes.js'
export { defaultLimits } from './options.js'
export { codes } from './errors.js'
