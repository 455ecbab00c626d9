import type { InFlightRoute } from './in-flight.js'

/** Kinds of the resources keeping the event loop alive, counted: `{ TCPSocketWrap: 2, Timeout: 1 }`. */
export function activeHandles (): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1
  return counts
}

/** One human line: `2 request(s) in flight (GET /slow x2); hooks not finished: db; handles: TCPSocketWrap x3`. */
export function describeOpen (inFlight: InFlightRoute[], pendingHooks: string[], handles: Record<string, number>): string {
  const requests = inFlight.reduce((sum, entry) => sum + entry.count, 0)
  const parts = [
    `${requests} request(s) in flight${requests === 0 ? '' : ` (${inFlight.map((e) => `${e.method} ${e.route} x${e.count}`).join(', ')})`}`,
    `hooks not finished: ${pendingHooks.length === 0 ? 'none' : pendingHooks.join(', ')}`,
    `handles: ${Object.entries(handles).map(([kind, n]) => `${kind} x${n}`).join(', ') || 'none'}`
  ]
  return parts.join('; ')
}
