import t from 'tap'
import { median, percentile, quantile, spread } from '../src/stats.js'

t.test('median and quantiles interpolate between the order statistics', async (t) => {
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 3, 2]), 2.5)
  t.equal(quantile([10, 20, 30, 40, 50], 0.25), 20)
  t.equal(quantile([1, 2], 0.25), 1.25)
  t.equal(median([]), undefined, 'no values, no median')
})

t.test('spread gives the median, the quartiles and the extremes of per-round values', async (t) => {
  t.same(spread([0.5, 0.7, 0.6, 0.4, 0.8]), { n: 5, median: 0.6, q1: 0.5, q3: 0.7, min: 0.4, max: 0.8 })
  t.equal(spread([]), undefined)
})

t.test('percentile is by nearest rank, as latency tools print it', async (t) => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1)
  t.equal(percentile(sorted, 99), 99)
  t.equal(percentile(sorted, 50), 50)
  t.equal(percentile(sorted, 100), 100)
  t.equal(percentile(sorted, 0), 1, 'p0 is the smallest value')
  t.equal(percentile([7], 99), 7)
  t.equal(percentile([], 99), undefined)
})
