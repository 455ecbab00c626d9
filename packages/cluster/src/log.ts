import { hostname } from 'node:os'
import type { LogLevel } from './options.js'

type Level = Exclude<LogLevel, 'silent'>
type Fields = Record<string, unknown>

const LEVELS: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity }

/**
 * The primary's logger: one JSON line per call, synchronous write, in the format of the app's own
 * lines (@fastify-production/logging's pino options: `"level":"info"`, ISO `time`, then `pid`,
 * `hostname`), so a log pipeline reads every line of the process group with one parser.
 */
export type Log = Record<Level, (fields: Fields, msg: string) => void>

function serializeError (err: unknown): unknown {
  if (!(err instanceof Error)) return err
  return { type: err.name, message: err.message, stack: err.stack, code: (err as { code?: unknown }).code }
}

export function createLog (level: LogLevel, write: (line: string) => void = (line) => { process.stdout.write(line) }): Log {
  const threshold = LEVELS[level]
  const base = { pid: process.pid, hostname: hostname(), name: '@fastify-production/cluster' }
  const at = (name: Level) => (fields: Fields, msg: string): void => {
    if (LEVELS[name] < threshold) return
    const line: Fields = { level: name, time: new Date().toISOString(), ...base, ...fields, msg }
    if ('err' in fields) line.err = serializeError(fields.err)
    write(JSON.stringify(line) + '\n')
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') }
}
