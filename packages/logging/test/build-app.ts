import { EventEmitter, once } from 'node:events'
import Fastify, { type FastifyInstance } from 'fastify'
import { logCapture, type LogLine } from '@fastify-production/test-support'
import logging, { loggerOptions, requestIdOptions, type LoggingOptions, type LoggerOptionsInput, type RequestIdOptionsInput } from '../src/index.js'

export interface Captured {
  lines: LogLine[]
  /** Resolves with the first line (already written or to come) that matches. */
  next: (match: (line: LogLine) => boolean) => Promise<LogLine>
  access: () => LogLine[]
  text: () => string
}

/** logCapture, plus a way to wait for a line written after the response (the access line). */
export function capture (): Captured & { stream: ReturnType<typeof logCapture>['stream'] } {
  const logs = logCapture()
  const written = new EventEmitter()
  const write = logs.stream.write.bind(logs.stream)
  logs.stream.write = ((chunk: string) => {
    const ok = write(chunk)
    written.emit('line')
    return ok
  }) as typeof logs.stream.write
  return {
    stream: logs.stream,
    lines: logs.lines,
    async next (match) {
      for (;;) {
        const found = logs.lines.find(match)
        if (found !== undefined) return found
        await once(written, 'line')
      }
    },
    access: () => logs.lines.filter((l) => l.msg === 'request completed'),
    text: logs.text
  }
}

export interface BuildOptions {
  logger?: LoggerOptionsInput
  requestId?: RequestIdOptionsInput
  plugin?: LoggingOptions
}

export async function build (t: { teardown: (fn: () => unknown) => void }, options: BuildOptions = {}): Promise<{ app: FastifyInstance, logs: Captured }> {
  const logs = capture()
  const app = Fastify({ ...requestIdOptions(options.requestId), logger: loggerOptions({ ...options.logger, stream: logs.stream }) })
  t.teardown(() => app.close())
  await app.register(logging, options.plugin ?? {})
  return { app, logs }
}
