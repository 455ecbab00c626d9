import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
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

export interface ProbeOptions {
  prefix: string
  detailToken: string | undefined
  readiness: Readiness
}

export function registerProbes (fastify: FastifyInstance, { prefix, detailToken, readiness }: ProbeOptions): void {
  // Without a token nobody gets detail (core's check would let everyone through).
  const hasToken = detailToken === undefined ? () => false : bearerCheck(detailToken)
  const detailed = (request: FastifyRequest): boolean => hasToken(request.headers.authorization)

  function body (status: ProbeStatus, run: CheckRun | undefined, detail: boolean): HealthResponse {
    const checks: Record<string, HealthCheckResult> = {}
    if (run !== undefined) {
      for (const [name, outcome] of run.results) {
        checks[name] = detail && outcome.error !== undefined
          ? { status: outcome.status, durationMs: outcome.durationMs, error: outcome.error.name, message: outcome.error.message }
          : { status: outcome.status, durationMs: outcome.durationMs }
      }
    }
    return { status, checks }
  }

  function answer (reply: FastifyReply, status: ProbeStatus, payload: HealthResponse): HealthResponse {
    reply.code(status === 'ok' || status === 'degraded' ? 200 : 503).header('cache-control', 'no-store')
    return payload
  }

  const live: HealthResponse = { status: 'ok', checks: {} }

  fastify.get(`${prefix}/live`, { config: PROBE_CONFIG, schema }, async (_request, reply) => {
    return answer(reply, 'ok', live)
  })

  fastify.get(`${prefix}/ready`, { config: PROBE_CONFIG, schema }, async (request, reply) => {
    if (readiness.state !== 'starting' && readiness.state !== 'ready') return answer(reply, readiness.state, body(readiness.state, undefined, false))
    const { run, status } = await readiness.evaluate()
    return answer(reply, status, body(status, run, detailed(request)))
  })

  fastify.get(`${prefix}/startup`, { config: PROBE_CONFIG, schema }, async (request, reply) => {
    if (readiness.started) return answer(reply, 'ok', live)
    if (readiness.state !== 'starting' && readiness.state !== 'ready') return answer(reply, readiness.state, body(readiness.state, undefined, false))
    const { run } = await readiness.evaluate()
    const status: ProbeStatus = readiness.started ? 'ok' : 'starting'
    return answer(reply, status, body(status, run, detailed(request)))
  })
}
