import { EventEmitter } from 'node:events'
import { Writable } from 'node:stream'

export type Line = Record<string, unknown> & { msg: string }

/** A pino destination that keeps every line and lets a test wait for the one it expects. */
export function logLines (): { stream: Writable, lines: Line[], next: (match: (line: Line) => boolean) => Promise<Line> } {
  const lines: Line[] = []
  const events = new EventEmitter()
  const stream = new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n')) {
        if (text === '') continue
        const line = JSON.parse(text) as Line
        lines.push(line)
        events.emit('line', line)
      }
      done()
    }
  })
  return {
    stream,
    lines,
    next: (match) => {
      const seen = lines.find(match)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve) => {
        const on = (line: Line): void => {
          if (!match(line)) return
          events.off('line', on)
          resolve(line)
        }
        events.on('line', on)
      })
    }
  }
}
