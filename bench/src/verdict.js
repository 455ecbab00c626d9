// The verdicts the report prints, as pure functions of per-round numbers (unit-tested:
// test/verdict.test.js). The rule: nothing gets a ✅ unless the run shows it could have told a pass
// from a fail. Two identical bare Fastify processes (the control) measure what "the same" looks like
// in this run; when they differ by more than a few percent, or the suite's own rounds disagree with
// each other, the run is inconclusive and says why instead of judging.
import { quantile, spread } from './stats.js'

export const RULES = Object.freeze({
  /** Fewer rounds and a verdict is one noisy sample. */
  minRounds: 3,
  /** The control's median by-CPU ratio may differ from 1 by at most this (5 %). */
  controlMedian: 0.05,
  /** …and no single round's by CPU ratio by more than this (10 %): beyond that one round is noise. */
  controlRound: 0.10,
  /** The suite's per-round by-CPU ratios may spread (max − min) by at most this share of their median (20 %). */
  targetSpread: 0.20
})

const pct = (x) => `${(x * 100).toFixed(0)} %`

/**
 * Can this run judge anything? `controlRatios`: per round, bare Fastify's CPU µs/req ÷ the control's (1
 * when two identical processes cost the same). `targetRatios`: per round, the suite's by-CPU ratio.
 * Returns { conclusive, reasons[], noise }: noise is the 75th percentile, over the rounds, of the
 * relative difference either way between the two identical servers (undefined without a control). A
 * percentile rather than the largest: more rounds then make the estimate steadier instead of larger;
 * a single bad round is caught by `controlRound` anyway.
 */
export function runQuality ({ controlRatios = [], targetRatios = [] }, rules = RULES) {
  const reasons = []
  const control = spread(controlRatios)
  const noise = noiseOf(controlRatios.map((r) => r - 1))
  const rounds = Math.max(controlRatios.length, targetRatios.length)
  if (rounds < rules.minRounds) reasons.push(`${rounds} round${rounds === 1 ? '' : 's'} (at least ${rules.minRounds} needed)`)
  if (control === undefined) {
    reasons.push('no control row (bare Fastify in a second process): the noise is unknown')
  } else {
    const off = Math.abs(control.median - 1)
    if (off > rules.controlMedian) reasons.push(`the control differs from bare Fastify by ${pct(off)} by CPU in the median (limit ${pct(rules.controlMedian)})`)
    const worst = Math.max(...controlRatios.map((r) => Math.abs(r - 1)))
    if (worst > rules.controlRound) reasons.push(`the control differs from bare Fastify by up to ${pct(worst)} by CPU in one round (limit ${pct(rules.controlRound)})`)
  }
  const target = spread(targetRatios)
  if (target !== undefined && target.median > 0) {
    const width = (target.max - target.min) / target.median
    if (width > rules.targetSpread) {
      reasons.push(`the suite's rounds spread ${target.min.toFixed(2)}–${target.max.toFixed(2)}× by CPU, ${pct(width)} of their median (limit ${pct(rules.targetSpread)})`)
    }
  }
  return { conclusive: reasons.length === 0, reasons, noise }
}

/** The 75th percentile of |difference| over the rounds: what "the same" varies by in this run. */
export function noiseOf (differences) {
  return quantile(differences.map(Math.abs), 0.75)
}

/**
 * The goal line (e.g. ≥ 0.6× bare by CPU per request), from the suite's per-round by-CPU ratios. The
 * median, widened by the run's relative noise either way, must clear the goal for ✅ or miss it for ❌;
 * in between the run cannot tell.
 */
export function goalVerdict (ratios, goal, quality, rules = RULES) {
  const s = spread(ratios)
  if (s === undefined) return { status: 'no result', text: 'no result', spread: s }
  if (s.n < rules.minRounds) return { status: 'not judged', text: `not judged (${s.n} round${s.n === 1 ? '' : 's'})`, spread: s }
  if (!quality.conclusive) return { status: 'inconclusive', text: `❔ inconclusive: ${quality.reasons.join('; ')}`, spread: s }
  const lo = s.median * (1 - quality.noise)
  const hi = s.median * (1 + quality.noise)
  const band = `${lo.toFixed(2)}–${hi.toFixed(2)}× with the run's ±${pct(quality.noise)} noise`
  if (lo >= goal) return { status: 'met', text: `✅ met (${band})`, spread: s }
  if (hi < goal) return { status: 'not met', text: `❌ not met (${band})`, spread: s }
  return { status: 'too close', text: `⚠️ too close to call (${band})`, spread: s }
}

/**
 * A package's extra CPU µs per request over bare Fastify against its budget. `extra`: per-round µs;
 * `noiseUs`: `noiseOf` the per-round control − bare µs. ✅ only when median + noise is within the
 * budget, ❌ when median − noise is over it; a budget smaller than the noise can never pass.
 */
export function budgetVerdict ({ extra = [], budget, noiseUs, quality }, rules = RULES) {
  const s = spread(extra)
  if (budget === undefined || s === undefined) return '–'
  if (s.n < rules.minRounds) return `not judged (${s.n} round${s.n === 1 ? '' : 's'})`
  if (!quality.conclusive) return '❔ inconclusive run'
  if (noiseUs === undefined) return '❔ noise unknown (no control row)'
  const noise = `±${noiseUs.toFixed(2)} µs`
  if (s.median - noiseUs > budget) return `❌ over even with the run's noise (${noise})`
  if (noiseUs > budget) {
    return Math.abs(s.median) <= noiseUs
      ? `➖ no cost this run can see (noise ${noise} exceeds the budget of ${budget}: cannot pass)`
      : `❔ noise ${noise} exceeds the budget of ${budget}: cannot judge`
  }
  if (s.median + noiseUs <= budget) return `✅ within, even with the run's noise (${noise})`
  return `⚠️ too close to call (median ${s.median.toFixed(2)} ${noise})`
}
