import { EventEmitter } from 'node:events'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import type { CounterLike, MetricsCapability } from '@fastify-production/core'

/** Listens on a free loopback port; returns the base URL. The app is closed at teardown. */
export async function listening (t: Test, app: Pick<FastifyInstance, 'close' | 'listen'> & { server: { address: () => unknown } }): Promise<string> {
  t.teardown(() => app.close())
  await app.listen({ host: '127.0.0.1', port: 0 })
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
}

/** A request over the socket and how long its answer took, in ms. */
export async function timed (url: string, init?: RequestInit): Promise<{ res: Response, body: string, ms: number }> {
  const started = performance.now()
  const res = await fetch(url, init)
  const body = await res.text()
  return { res, body, ms: performance.now() - started }
}

/**
 * A metrics capability that announces each `inc` as an event (`'<name>'` with its labels), so a
 * test waits for "the request is now slowed down" instead of a clock.
 */
export function announcingMetrics (): { metrics: MetricsCapability, events: EventEmitter, counts: Map<string, number> } {
  const events = new EventEmitter()
  const counts = new Map<string, number>()
  // Only counter() is used by this package; the rest of the capability is left out on purpose.
  const metrics = {
    counter ({ name }: { name: string }) {
      const counter: CounterLike = {
        inc (labels: Record<string, string> = {}, value = 1) {
          const key = `${name}${JSON.stringify(labels)}`
          counts.set(key, (counts.get(key) ?? 0) + value)
          events.emit(name, labels)
        }
      }
      return counter
    },
    metricsAsJson: async () => []
  } as unknown as MetricsCapability
  return { metrics, events, counts }
}
