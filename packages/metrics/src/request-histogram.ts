import type { Counter } from 'prom-client'

/** Route label of requests no route matched. */
export const UNMATCHED_ROUTE = '__unmatched__'
/** Method and route label of the series that take observations past the label-set cap. */
export const OVERFLOW_LABEL = '__overflow__'

type Labels = Record<'method' | 'route' | 'status_code', string>

interface ExportedValue {
  labels: Record<string, string | number>
  value: number
  metricName: string
}

/** One label set: per-bucket (not cumulative) counts, the last slot being +Inf. */
class Series {
  readonly labels: Labels
  readonly counts: Float64Array
  sum = 0
  count = 0
  private readonly bounds: readonly number[]

  constructor (labels: Labels, bounds: readonly number[]) {
    this.labels = labels
    this.bounds = bounds
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe (seconds: number): void {
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && seconds > (bounds[i] as number)) i++
    this.counts[i] = (this.counts[i] as number) + 1
    this.sum += seconds
    this.count++
  }

  clear (): void {
    this.counts.fill(0)
    this.sum = 0
    this.count = 0
  }
}

class OverflowSeries extends Series {
  constructor (labels: Labels, bounds: readonly number[], private readonly overflow: Counter<'metric'>, private readonly metric: string) {
    super(labels, bounds)
  }

  override observe (seconds: number): void {
    super.observe(seconds)
    this.overflow.inc({ metric: this.metric })
  }
}

export interface Observer { observe: (seconds: number) => void }

/**
 * The request duration histogram. prom-client's `labels()` children still hash the label object on
 * every `observe()`; here a route resolves its series once and then only adds to typed arrays.
 * Registered on the prom-client Registry as a metric object whose `get()` has prom-client's shape.
 */
export class RequestHistogram {
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly labelNames = ['method', 'route', 'status_code']
  private readonly series = new Map<string, Series>()
  private readonly overflowSeries = new Map<string, Series>()

  constructor (
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    private readonly maxLabelSets: number,
    private readonly overflow: Counter<'metric'>
  ) {}

  /** The series of a label set, or past the cap the overflow series of its status class. */
  seriesFor (method: string, route: string, status: number): Observer {
    const key = `${method} ${route} ${status}`
    let found = this.series.get(key)
    if (found !== undefined) return found
    if (this.series.size < this.maxLabelSets) {
      found = new Series({ method, route, status_code: String(status) }, this.bounds)
      this.series.set(key, found)
      return found
    }
    // A class, not the code: at most five overflow series, and `status_code=~"5.."` still matches.
    const statusClass = `${Math.floor(status / 100)}xx`
    found = this.overflowSeries.get(statusClass)
    if (found === undefined) {
      found = new OverflowSeries({ method: OVERFLOW_LABEL, route: OVERFLOW_LABEL, status_code: statusClass }, this.bounds, this.overflow, this.name)
      this.overflowSeries.set(statusClass, found)
    }
    return found
  }

  async get (): Promise<{ name: string, help: string, type: 'histogram', aggregator: 'sum', values: ExportedValue[] }> {
    const values: ExportedValue[] = []
    const bucket = `${this.name}_bucket`
    for (const s of [...this.series.values(), ...this.overflowSeries.values()]) {
      let cumulative = 0
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.counts[i] as number
        values.push({ labels: { le: this.bounds[i] as number, ...s.labels }, value: cumulative, metricName: bucket })
      }
      values.push({ labels: { le: '+Inf', ...s.labels }, value: s.count, metricName: bucket })
      values.push({ labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` })
      values.push({ labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** `registry.resetMetrics()`: zero in place, since routes keep references to their series. */
  reset (): void {
    for (const s of this.series.values()) s.clear()
    for (const s of this.overflowSeries.values()) s.clear()
  }
}

/**
 * What one route's onResponse hook records into. The last (method, status) pair is remembered, so a
 * route answering the same way as last time costs two comparisons and no lookup.
 */
export class RouteRecorder {
  private lastMethod = ''
  private lastStatus = 0
  private last: Observer | undefined

  constructor (private readonly histogram: RequestHistogram, private readonly route: string) {}

  record (method: string, status: number, seconds: number): void {
    let target = this.last
    if (target === undefined || status !== this.lastStatus || method !== this.lastMethod) {
      target = this.histogram.seriesFor(method, this.route, status)
      this.last = target
      this.lastMethod = method
      this.lastStatus = status
    }
    target.observe(seconds)
  }
}
