const UNITS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  d: 86_400_000,
  day: 86_400_000
}

/** Milliseconds of a window given as a number of ms or a string like '1 minute'; undefined if neither. */
export function parseTimeWindow (value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 ? value : undefined
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value)
  if (match === null) return undefined
  const name = (match[2] as string).toLowerCase()
  const unit = UNITS[name] ?? (name.endsWith('s') ? UNITS[name.slice(0, -1)] : undefined)
  if (unit === undefined) return undefined
  const ms = Math.round(Number(match[1]) * unit)
  return ms >= 1 ? ms : undefined
}
