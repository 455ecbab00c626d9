import t from 'tap'
import { RULES, budgetVerdict, goalVerdict, runQuality } from '../src/verdict.js'

const quiet = { controlRatios: [1.01, 0.98, 1.02, 0.99, 1.0], targetRatios: [0.62, 0.64, 0.63, 0.66, 0.65] }

t.test('a run whose control matches bare Fastify and whose rounds agree is conclusive', async (t) => {
  const q = runQuality(quiet)
  t.equal(q.conclusive, true)
  t.same(q.reasons, [])
  t.equal(q.noise.toFixed(2), '0.02', 'the noise is the largest per-round difference of the control')
})

t.test('the issue\'s busy run (control off by 48 %) is inconclusive and says why', async (t) => {
  const q = runQuality({ controlRatios: [0.52, 0.9, 1.1], targetRatios: [0.29, 0.42, 0.64] })
  t.equal(q.conclusive, false)
  t.match(q.reasons.join('\n'), /control differs from bare Fastify by 10 % by CPU in the median/)
  t.match(q.reasons.join('\n'), /up to 48 % by CPU in one round/)
  t.match(q.reasons.join('\n'), /suite's rounds spread 0\.29–0\.64× by CPU, 83 % of their median/)
})

t.test('a control within 5 % in the median but 12 % off in one round is still inconclusive', async (t) => {
  const q = runQuality({ controlRatios: [1, 1, 1.12, 1, 1], targetRatios: [0.6, 0.6, 0.6] })
  t.same(q.reasons, ['the control differs from bare Fastify by up to 12 % by CPU in one round (limit 10 %)'])
})

t.test('fewer than 3 rounds, or no control, can judge nothing', async (t) => {
  t.same(runQuality({ controlRatios: [1], targetRatios: [0.6] }).reasons, ['1 round (at least 3 needed)'])
  t.same(runQuality({ controlRatios: [1, 1], targetRatios: [0.6, 0.6] }).reasons, ['2 rounds (at least 3 needed)'])
  const none = runQuality({ targetRatios: [0.6, 0.6, 0.6] })
  t.equal(none.noise, undefined)
  t.same(none.reasons, ['no control row (bare Fastify in a second process): the noise is unknown'])
  t.same(runQuality({}).reasons, ['0 rounds (at least 3 needed)', 'no control row (bare Fastify in a second process): the noise is unknown'])
})

t.test('a suite that produced no throughput gives no spread reason (nothing to divide by)', async (t) => {
  t.equal(runQuality({ controlRatios: [1, 1, 1], targetRatios: [0, 0, 0] }).conclusive, true)
})

t.test('rules can be given', async (t) => {
  t.equal(runQuality({ controlRatios: [1, 1.12, 1], targetRatios: [0.6, 0.6, 0.6] }, { ...RULES, controlRound: 0.2 }).conclusive, true)
})

t.test('goal verdict: ✅ only when the median, widened by the noise either way, clears the goal', async (t) => {
  const q = { conclusive: true, reasons: [], noise: 0.05 }
  const met = goalVerdict([0.66, 0.65, 0.67], 0.6, q)
  t.equal(met.status, 'met')
  t.match(met.text, /^✅ met \(0\.63–0\.69× with the run's ±5 % noise\)$/)
  t.equal(met.spread.median, 0.66)
  t.equal(goalVerdict([0.55, 0.56, 0.54], 0.6, q).status, 'not met')
  t.match(goalVerdict([0.55, 0.56, 0.54], 0.6, q).text, /^❌ not met/)
  const close = goalVerdict([0.61, 0.6, 0.62], 0.6, q)
  t.equal(close.status, 'too close')
  t.match(close.text, /^⚠️ too close to call/)
})

t.test('goal verdict: an inconclusive run gets no ✅ even with a median over the goal', async (t) => {
  const v = goalVerdict([0.9, 0.95, 0.8], 0.6, { conclusive: false, reasons: ['the control differs'], noise: 0.48 })
  t.equal(v.status, 'inconclusive')
  t.equal(v.text, '❔ inconclusive: the control differs')
})

t.test('goal verdict: no rounds, or too few', async (t) => {
  t.equal(goalVerdict([], 0.6, { conclusive: true, noise: 0 }).status, 'no result')
  t.equal(goalVerdict([0.7], 0.6, { conclusive: true, noise: 0 }).text, 'not judged (1 round)')
  t.equal(goalVerdict([0.7, 0.7], 0.6, { conclusive: true, noise: 0 }).text, 'not judged (2 rounds)')
})

const conclusive = { conclusive: true, reasons: [], noise: 0.02 }

t.test('budget verdict: median ± noise against the budget', async (t) => {
  t.match(budgetVerdict({ extra: [0.8, 1.0, 0.9], budget: 1.5, noiseUs: 0.3, quality: conclusive }), /^✅ within, even with the run's noise \(±0\.30 µs\)$/)
  t.match(budgetVerdict({ extra: [2.2, 2.0, 2.1], budget: 1.5, noiseUs: 0.3, quality: conclusive }), /^❌ over even with the run's noise/)
  t.match(budgetVerdict({ extra: [1.4, 1.3, 1.5], budget: 1.5, noiseUs: 0.3, quality: conclusive }), /^⚠️ too close to call \(median 1\.40 ±0\.30 µs\)$/)
})

t.test('budget verdict: never passes "within noise" when the noise is larger than the budget', async (t) => {
  // The old harness said "✅ within the run's noise" here.
  const v = budgetVerdict({ extra: [0.6, 0.7, 0.8], budget: 0.5, noiseUs: 2, quality: conclusive })
  t.equal(v, '➖ no cost this run can see (noise ±2.00 µs exceeds the budget of 0.5: cannot pass)')
  t.match(budgetVerdict({ extra: [0.1, -0.1, 0.2], budget: 0, noiseUs: 0.4, quality: conclusive }), /^➖ no cost this run can see \(noise ±0\.40 µs exceeds the budget of 0: cannot pass\)$/)
  t.match(budgetVerdict({ extra: [-0.6, -0.5, -0.7], budget: 0, noiseUs: 0.4, quality: conclusive }), /^❔ noise ±0\.40 µs exceeds the budget of 0: cannot judge$/)
  t.match(budgetVerdict({ extra: [3, 3, 3], budget: 0, noiseUs: 0.4, quality: conclusive }), /^❌ over/)
})

t.test('budget verdict: nothing to judge', async (t) => {
  t.equal(budgetVerdict({ extra: [1, 1, 1], quality: conclusive }), '–', 'no budget')
  t.equal(budgetVerdict({ budget: 1, quality: conclusive }), '–', 'no rounds')
  t.equal(budgetVerdict({ extra: [1], budget: 1, noiseUs: 0, quality: conclusive }), 'not judged (1 round)')
  t.equal(budgetVerdict({ extra: [1, 1], budget: 1, noiseUs: 0, quality: conclusive }), 'not judged (2 rounds)')
  t.equal(budgetVerdict({ extra: [0, 0, 0], budget: 1, noiseUs: 0, quality: { conclusive: false } }), '❔ inconclusive run')
  t.equal(budgetVerdict({ extra: [0, 0, 0], budget: 1, quality: conclusive }), '❔ noise unknown (no control row)')
})
