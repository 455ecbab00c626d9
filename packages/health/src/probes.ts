import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import { bearerCheck, operationalRouteConfig } from '@fastify-production/core'
import type { CheckRun } from './checks.js'
import type { Readiness, ProbeStatus } from './readiness.js'

export const HealthCheckResult = Type.Object({
  status: Type.Unsafe<'ok' | 'fail' | 'timeout' | 'degraded'>({ type: 'string', enum: ['ok', 'fail', 'timeout', 'degraded'] }),
  durationMs: Type.Number(),
  /** Detail mode only: the error's class. */
  error: Type.Optional(Type.String()),
  /** Detail mode only: the error's message. */
  message: Type.Optional(Type.String())
}, { additionalProperties: false })
export type HealthCheckResult = Static<typeof HealthCheckResult>

// Statuses as `enum`, not a union of literals: fast-json-stringify compiles an anyOf into Ajv
// validators, about 2.7 MB of heap per app for the six probe schemas (seen in fastify/demo, whose
// tests build an app per test under a 100 MB under-pressure limit).
/** Body of every probe response. */
export const HealthResponse = Type.Object({
  status: Type.Unsafe<ProbeStatus>({ type: 'string', enum: ['ok', 'degraded', 'fail', 'starting', 'unavailable', 'draining', 'closing', 'closed'] }),
  checks: Type.Record(Type.String(), HealthCheckResult)
}, { additionalProperties: false })
export type HealthResponse = { status: ProbeStatus, checks: Record<string, HealthCheckResult> }

// A prober must always get the truth: never rate limited, never shed (by us or by the app's
// @fastify/rate-limit or @fastify/under-pressure), and no access line per probe.
const PROBE_CONFIG = operationalRouteConfig()

const schema = { response: { 200: HealthResponse, 503: HealthResponse } }

/** What a probe answers, wherever it is served: the app's routes or the probe listener. */
export interface ProbeAnswer {
  statusCode: 200 | 503
  body: HealthResponse
}

/** A probe, given the request's `Authorization` header (the detail token). */
export type Probe = (authorization: string | undefined) => ProbeAnswer | Promise<ProbeAnswer>

export const PROBE_NAMES = ['live', 'ready', 'startup'] as const
export type ProbeName = typeof PROBE_NAMES[number]
export type Probes = Readonly<Record<ProbeName, Probe>>

export interface ProbeOptions {
  detailToken: string | undefined
  readiness: Readiness
  /**
   * Whether the app's own port has been bound. The app's routes are reached through it, so there it
   * is always true; for the probe listener, which starts at onReady, startup and readiness stay
   * `starting` from `ready()` until `listen()` has bound the app's port.
   */
  appBound: () => boolean
}

/** The three probes' logic, shared by the app's routes and the probe listener. */
export function buildProbes ({ detailToken, readiness, appBound }: ProbeOptions): Probes {
  // Without a token nobody gets detail (core's check would let everyone through).
  const detailed = detailToken === undefined ? () => false : bearerCheck(detailToken)

  function answer (status: ProbeStatus, run: CheckRun | undefined, detail: boolean): ProbeAnswer {
    const checks: Record<string, HealthCheckResult> = {}
    if (run !== undefined) {
      for (const [name, outcome] of run.results) {
        checks[name] = detail && outcome.error !== undefined
          ? { status: outcome.status, durationMs: outcome.durationMs, error: outcome.error.name, message: outcome.error.message }
          : { status: outcome.status, durationMs: outcome.durationMs }
      }
    }
    return { statusCode: status === 'ok' || status === 'degraded' ? 200 : 503, body: { status, checks } }
  }

  const live: ProbeAnswer = Object.freeze({ statusCode: 200, body: Object.freeze({ status: 'ok', checks: Object.freeze({}) }) })

  return {
    live: () => live,
    async ready (authorization) {
      if (readiness.state !== 'starting' && readiness.state !== 'ready') return answer(readiness.state, undefined, false)
      const { run, status } = await readiness.evaluate()
      return answer(appBound() ? status : 'starting', run, detailed(authorization))
    },
    async startup (authorization) {
      if (readiness.started && appBound()) return live
      if (readiness.state !== 'starting' && readiness.state !== 'ready') return answer(readiness.state, undefined, false)
      const { run } = await readiness.evaluate()
      return answer(readiness.started && appBound() ? 'ok' : 'starting', run, detailed(authorization))
    }
  }
}

/** `GET {prefix}/live`, `/ready`, `/startup` as routes of the app. */
export function addProbeRoutes (fastify: FastifyInstance, prefix: string, probes: Probes): void {
  for (const name of PROBE_NAMES) {
    const probe = probes[name]
    fastify.get(`${prefix}/${name}`, { config: PROBE_CONFIG, schema }, async function probeRoute (request, reply) {
      const { statusCode, body } = await probe(request.headers.authorization)
      reply.code(statusCode).header('cache-control', 'no-store')
      return body
    })
  }
}
