import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { codes } from './errors.js'

const Millis = Type.Integer({ minimum: 0, maximum: 2_147_483_647 })
const PositiveMillis = Type.Integer({ minimum: 1, maximum: 2_147_483_647 })
const SignalName = Type.Union([
  Type.Literal('SIGTERM'),
  Type.Literal('SIGINT'),
  Type.Literal('SIGHUP'),
  Type.Literal('SIGQUIT'),
  Type.Literal('SIGUSR2')
])

const OptionsSchema = Type.Object({
  delay: Type.Optional(Millis),
  timeout: Type.Optional(PositiveMillis),
  hookTimeout: Type.Optional(PositiveMillis),
  signals: Type.Optional(Type.Array(SignalName, { minItems: 1, uniqueItems: true })),
  unhandledRejection: Type.Optional(Type.Union([Type.Literal('exit'), Type.Literal('log')])),
  serverTimeouts: Type.Optional(Type.Union([
    Type.Literal(false),
    Type.Object({
      keepAliveTimeout: Type.Optional(PositiveMillis),
      headersTimeout: Type.Optional(PositiveMillis),
      requestTimeout: Type.Optional(Millis)
    }, { additionalProperties: false })
  ])),
  exit: Type.Optional(Type.Unknown())
}, { additionalProperties: false })

const ACCEPTED = 'accepted: delay (ms, integer >= 0), timeout (ms, integer >= 1), hookTimeout (ms, integer >= 1), ' +
  'signals (non-empty list of SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR2), unhandledRejection (\'exit\' | \'log\'), ' +
  'serverTimeouts (false | { keepAliveTimeout, headersTimeout, requestTimeout } in ms), exit (function)'

/** A signal the plugin can handle. */
export type ShutdownSignal = Static<typeof SignalName>

/** Node server timeouts set at ready. Values set in the Fastify constructor are kept. */
export interface ServerTimeoutsOptions {
  /** Idle time before a keep-alive socket is closed; above common load balancers' 60–65 s. @default 72000 */
  keepAliveTimeout?: number
  /** Time allowed to receive a request's headers. @default keepAliveTimeout + 1000 */
  headersTimeout?: number
  /** Time allowed to receive a whole request; 0 disables it. @default the larger of 120000 and headersTimeout */
  requestTimeout?: number
}

export interface ShutdownOptions {
  /** Time to keep serving after the signal, readiness 503, so load balancers stop routing here. @default 5000 when KUBERNETES_SERVICE_HOST is set, else 0 */
  delay?: number
  /** Hard bound on the whole sequence, counted from the signal and including `delay`; past it the process exits 1. @default 25000 */
  timeout?: number
  /** Bound on each hook added with `fastify.shutdown.addHook`. @default 5000 */
  hookTimeout?: number
  /** Signals that start the sequence. @default ['SIGTERM', 'SIGINT'] */
  signals?: ShutdownSignal[]
  /** `'exit'`: an unhandled rejection is fatal like an uncaught exception; `'log'`: log it and carry on. @default 'exit' */
  unhandledRejection?: 'exit' | 'log'
  /** Server timeouts set at ready, or `false` to leave the server's as they are. @default {} (the defaults below) */
  serverTimeouts?: false | ServerTimeoutsOptions
  /** Ends the process; tests pass their own. @default process.exit */
  exit?: (code: number) => void
}

export interface ResolvedServerTimeouts {
  keepAliveTimeout: number | undefined
  headersTimeout: number | undefined
  requestTimeout: number | undefined
}

export interface ResolvedShutdownOptions {
  delay: number
  timeout: number
  hookTimeout: number
  signals: readonly ShutdownSignal[]
  unhandledRejection: 'exit' | 'log'
  serverTimeouts: false | ResolvedServerTimeouts
  exit: (code: number) => void
}

function fail (option: string, rule: string): never {
  throw new codes.FP_ERR_SHUTDOWN_OPTIONS(option, `${rule}; ${ACCEPTED}`)
}

export function resolveOptions (options: unknown, env: NodeJS.ProcessEnv = process.env): ResolvedShutdownOptions {
  // The deepest error is the most precise one: for `serverTimeouts: { idle: 5 }` it names `serverTimeouts.idle`.
  const errors = [...Value.Errors(OptionsSchema, options)]
  const worst = errors.reduce<typeof errors[number] | undefined>((deepest, e) => deepest === undefined || e.instancePath.length > deepest.instancePath.length ? e : deepest, undefined)
  if (worst !== undefined) {
    const where = worst.instancePath === '' ? '(root)' : worst.instancePath.slice(1).replaceAll('/', '.')
    fail(where, worst.schemaPath.endsWith('additionalProperties') ? 'is not a known option' : worst.message)
  }
  const opts = options as Static<typeof OptionsSchema>
  if (opts.exit !== undefined && typeof opts.exit !== 'function') fail('exit', 'must be a function')

  // Kubernetes removes the pod from endpoints while it sends SIGTERM; 5 s covers that propagation.
  const delay = opts.delay ?? (env.KUBERNETES_SERVICE_HOST === undefined ? 0 : 5000)
  const timeout = opts.timeout ?? 25_000
  if (delay >= timeout) fail('delay', `must be less than timeout (${timeout} ms), which counts from the signal and includes delay; got ${delay}`)

  let serverTimeouts: false | ResolvedServerTimeouts = false
  if (opts.serverTimeouts !== false) {
    const given = opts.serverTimeouts ?? {}
    const { keepAliveTimeout, headersTimeout, requestTimeout } = given
    if (headersTimeout !== undefined && requestTimeout !== undefined && requestTimeout !== 0 && requestTimeout < headersTimeout) {
      fail('serverTimeouts.requestTimeout', `must be 0 or at least headersTimeout (${headersTimeout} ms), as Node requires; got ${requestTimeout}`)
    }
    serverTimeouts = { keepAliveTimeout, headersTimeout, requestTimeout }
  }

  return {
    delay,
    timeout,
    hookTimeout: opts.hookTimeout ?? 5000,
    signals: opts.signals === undefined ? ['SIGTERM', 'SIGINT'] : [...opts.signals],
    unhandledRejection: opts.unhandledRejection ?? 'exit',
    serverTimeouts,
    exit: (opts.exit as ((code: number) => void) | undefined) ?? process.exit.bind(process)
  }
}
