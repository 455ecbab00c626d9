// Pure statistics over per-round (or per-request) numbers. Unit-tested: test/stats.test.js.

export function median (values) {
  return quantile(values, 0.5)
}

/** The q-quantile (0..1) with linear interpolation between order statistics; undefined when empty. */
export function quantile (values, q) {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const lo = Math.floor(at)
  const hi = Math.ceil(at)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo)
}

/** Median, quartiles and extremes of a set of per-round values; undefined when there are none. */
export function spread (values) {
  if (values.length === 0) return undefined
  return {
    n: values.length,
    median: median(values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values)
  }
}

/**
 * Latency percentile by nearest rank (what HdrHistogram-style tools print): the smallest value with at
 * least p % of the samples at or below it. `sorted` must be sorted ascending.
 */
export function percentile (sorted, p) {
  if (sorted.length === 0) return undefined
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}
