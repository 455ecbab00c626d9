// The pure parts of src/ab-processes.js: its specs and its summary. Unit-tested: test/ab-stats.test.js.
import { spread } from './stats.js'

/**
 * `label=scenario`, `label=scenario+JSON` (umbrella options for the suite's scenario) or
 * `label=scenario@DIR` (another checkout's bench/); without `label=`, the label is the spec.
 */
export function parseSpec (text) {
  const eq = text.indexOf('=')
  const label = eq === -1 ? text : text.slice(0, eq)
  let rest = eq === -1 ? text : text.slice(eq + 1)
  let options
  let dir
  const plus = rest.indexOf('+')
  if (plus !== -1) {
    try {
      options = JSON.parse(rest.slice(plus + 1))
    } catch (err) {
      throw new Error(`${text}: what follows "+" must be JSON options (${err.message})`)
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new Error(`${text}: the options after "+" must be a JSON object`)
    rest = rest.slice(0, plus)
  } else {
    const at = rest.indexOf('@')
    if (at !== -1) {
      dir = rest.slice(at + 1)
      rest = rest.slice(0, at)
    }
  }
  if (label === '' || rest === '' || dir === '') throw new Error(`${text}: expected label=scenario, label=scenario+JSON or label=scenario@DIR`)
  return { label, scenario: rest, options, dir }
}

const fmt = (s) => `${s.median.toFixed(2)} (IQR ${s.q1.toFixed(2)} … ${s.q3.toFixed(2)})`

/**
 * Lines summarising per-round µs/req (`perRound[round][k]`, k in `labels` order): each one's median;
 * each against the first (difference and ratio, per round); from the third on, each against the second.
 */
export function compareRounds (labels, perRound) {
  const column = (k) => perRound.map((row) => row[k])
  const lines = labels.map((label, k) => `${label}: ${fmt(spread(column(k)))} µs/req`)
  for (let k = 1; k < labels.length; k++) {
    const diff = spread(perRound.map((row) => row[k] - row[0]))
    const ratio = spread(perRound.map((row) => row[0] / row[k]))
    lines.push(`${labels[k]} − ${labels[0]}: ${fmt(diff)} µs/req; ${labels[0]} ÷ ${labels[k]} by CPU ${ratio.median.toFixed(3)} (rounds ${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)})`)
  }
  for (let k = 2; k < labels.length; k++) {
    lines.push(`${labels[k]} − ${labels[1]}: ${fmt(spread(perRound.map((row) => row[k] - row[1])))} µs/req`)
  }
  return lines
}
