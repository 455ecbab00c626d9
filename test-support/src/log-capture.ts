import { Writable } from 'node:stream'

export type LogLine = Record<string, unknown> & { level: number, msg?: string }

/** A pino destination that keeps every JSON line written to it, parsed. */
export function logCapture (): { stream: Writable, lines: LogLine[], text: () => string } {
  const lines: LogLine[] = []
  const raw: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue
        raw.push(line)
        lines.push(JSON.parse(line) as LogLine)
      }
      done()
    }
  })
  return { stream, lines, text: () => raw.join('\n') }
}
