import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { CheckRun } from './checks.js'
import type { Lifecycle, ProbeStatus } from './lifecycle.js'

export const HealthCheckResult = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('fail'), Type.Literal('timeout'), Type.Literal('degraded')]),
  durationMs: Type.Number(),
  /** Detail mode only: the error's class. */
  error: Type.Optional(Type.String()),
  /** Detail mode only: the error's message. */
  message: Type.Optional(Type.String())
}, { additionalProperties: false })
export type HealthCheckResult = Static<typeof HealthCheckResult>

/** Body of every probe response. */
export const HealthResponse = Type.Object({
  status: Type.Union(['ok', 'degraded', 'fail', 'starting', 'unavailable', 'draining', 'closing', 'closed'].map((s) => Type.Literal(s))),
  checks: Type.Record(Type.String(), HealthCheckResult)
}, { additionalProperties: false })
export type HealthResponse = { status: ProbeStatus, checks: Record<string, HealthCheckResult> }

// Exempt from rate limiting and load shedding: a prober must always get the truth.
const PROBE_CONFIG = { rateLimit: false, loadShedding: false } as const

const schema = { response: { 200: HealthResponse, 503: HealthResponse } }

function digest (value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

export interface ProbeOptions {
  prefix: string
  detailToken: string | undefined
  lifecycle: Lifecycle
}

export function registerProbes (fastify: FastifyInstance, { prefix, detailToken, lifecycle }: ProbeOptions): void {
  const expected = detailToken === undefined ? undefined : digest(`Bearer ${detailToken}`)

  // Hashing both sides makes the comparison constant-time whatever the lengths.
  function detailed (request: FastifyRequest): boolean {
    const given = request.headers.authorization
    return expected !== undefined && typeof given === 'string' && timingSafeEqual(digest(given), expected)
  }

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
    if (lifecycle.state !== 'starting' && lifecycle.state !== 'ready') return answer(reply, lifecycle.state, body(lifecycle.state, undefined, false))
    const { run, status } = await lifecycle.evaluate()
    return answer(reply, status, body(status, run, detailed(request)))
  })

  fastify.get(`${prefix}/startup`, { config: PROBE_CONFIG, schema }, async (request, reply) => {
    if (lifecycle.started) return answer(reply, 'ok', live)
    if (lifecycle.state !== 'starting' && lifecycle.state !== 'ready') return answer(reply, lifecycle.state, body(lifecycle.state, undefined, false))
    const { run } = await lifecycle.evaluate()
    const status: ProbeStatus = lifecycle.started ? 'ok' : 'starting'
    return answer(reply, status, body(status, run, detailed(request)))
  })
}
