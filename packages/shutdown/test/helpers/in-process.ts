import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { AddressInfo } from 'node:net'
import { logCapture, type LogLine } from '@fastify-production/test-support'
import shutdown, { type ShutdownOptions } from '../../src/index.js'

const EVENTS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'uncaughtException', 'unhandledRejection'] as const

export interface InProcessApp {
  app: FastifyInstance
  lines: LogLine[]
  /** Exit codes the plugin asked for, in order. */
  exits: number[]
  /** Resolves with the first exit code the plugin asks for. */
  exited: Promise<number>
  log: (pattern: RegExp) => LogLine | undefined
  /** Readies the app (or listens on loopback when `listen`), noting the process listeners it installed. Returns the port. */
  start: (listen?: boolean) => Promise<number>
  /** The listener the plugin installed for an event; call it as Node would. */
  listener: (event: typeof EVENTS[number]) => (value?: unknown) => void
}

/** An app whose plugin records exit codes instead of ending the test process. */
export async function build (options: ShutdownOptions = {}, server: FastifyServerOptions = {}, setup?: (app: FastifyInstance) => void): Promise<InProcessApp> {
  const capture = logCapture()
  const app = Fastify({ ...server, logger: { level: 'debug', stream: capture.stream } })
  const exits: number[] = []
  let resolveExit: (code: number) => void = () => {}
  const exited = new Promise<number>((resolve) => { resolveExit = resolve })
  setup?.(app)
  await app.register(shutdown, { ...options, exit: (code) => { exits.push(code); resolveExit(code) } })
  const added = new Map<string, (value?: unknown) => void>()
  return {
    app,
    lines: capture.lines,
    exits,
    exited,
    log: (pattern) => capture.lines.find((line) => typeof line.msg === 'string' && pattern.test(line.msg)),
    async start (listen = false) {
      const before = new Map(EVENTS.map((event) => [event, new Set(process.listeners(event as 'SIGTERM'))]))
      let port = 0
      if (listen) {
        await app.listen({ port: 0, host: '127.0.0.1' })
        port = (app.server.address() as AddressInfo).port
      } else {
        await app.ready()
      }
      for (const event of EVENTS) {
        const mine = process.listeners(event as 'SIGTERM').filter((l) => !(before.get(event)?.has(l) ?? false))
        if (mine[0] !== undefined) added.set(event, mine[0] as (value?: unknown) => void)
      }
      return port
    },
    listener (event) {
      const found = added.get(event)
      if (found === undefined) throw new Error(`the plugin installed no ${event} listener`)
      return found
    }
  }
}
