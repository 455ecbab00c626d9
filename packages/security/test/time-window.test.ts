import t from 'tap'
import { parseTimeWindow } from '../src/time-window.js'

const cases: Array<[number | string, number | undefined]> = [
  [1500, 1500],
  [0, undefined],
  [1.5, undefined],
  ['500 ms', 500],
  ['500ms', 500],
  ['1 second', 1000],
  ['10 seconds', 10_000],
  ['2s', 2000],
  ['1 minute', 60_000],
  ['1.5 minutes', 90_000],
  ['1 min', 60_000],
  ['2 hours', 7_200_000],
  ['1 day', 86_400_000],
  ['3 Days', 259_200_000],
  ['0 seconds', undefined],
  ['0.1 ms', undefined],
  ['3 fortnights', undefined],
  ['soon', undefined],
  ['5 lightyear', undefined],
  ['1 minute ago', undefined]
]

for (const [value, ms] of cases) {
  t.equal(parseTimeWindow(value), ms, `${JSON.stringify(value)} -> ${String(ms)}`)
}
