import t from 'tap'
import { compareRounds, parseSpec } from '../src/ab-stats.js'

t.test('a spec names a scenario, with umbrella options or another checkout', async (t) => {
  t.same(parseSpec('fastify-bare'), { label: 'fastify-bare', scenario: 'fastify-bare', options: undefined, dir: undefined })
  t.same(parseSpec('suite=fastify-production'), { label: 'suite', scenario: 'fastify-production', options: undefined, dir: undefined })
  t.same(parseSpec('no-logging=fastify-production+{"logging":false,"security":{"headers":false}}'),
    { label: 'no-logging', scenario: 'fastify-production', options: { logging: false, security: { headers: false } }, dir: undefined })
  t.same(parseSpec('old=fastify-production@/tmp/wt/bench'), { label: 'old', scenario: 'fastify-production', options: undefined, dir: '/tmp/wt/bench' })
})

t.test('a spec that cannot be read says what is expected', async (t) => {
  t.throws(() => parseSpec('x=fastify-production+{logging'), /x=fastify-production\+\{logging: what follows "\+" must be JSON options/)
  t.throws(() => parseSpec('x=fastify-production+[1]'), /must be a JSON object/)
  t.throws(() => parseSpec('x=fastify-production+null'), /must be a JSON object/)
  t.throws(() => parseSpec('=fastify-bare'), /expected label=scenario/)
  t.throws(() => parseSpec('x='), /expected label=scenario/)
  t.throws(() => parseSpec('x=fastify-bare@'), /expected label=scenario/)
})

t.test('the summary compares every process with the first, and the rest with the second, round by round', async (t) => {
  // Round 2 runs everything twice as slow (drift): the per-round differences and ratios follow it.
  const lines = compareRounds(['bare', 'suite', 'minus'], [
    [20, 40, 30],
    [40, 80, 60],
    [20, 40, 30]
  ])
  t.same(lines, [
    'bare: 20.00 (IQR 20.00 … 30.00) µs/req',
    'suite: 40.00 (IQR 40.00 … 60.00) µs/req',
    'minus: 30.00 (IQR 30.00 … 45.00) µs/req',
    'suite − bare: 20.00 (IQR 20.00 … 30.00) µs/req; bare ÷ suite by CPU 0.500 (rounds 0.500–0.500)',
    'minus − bare: 10.00 (IQR 10.00 … 15.00) µs/req; bare ÷ minus by CPU 0.667 (rounds 0.667–0.667)',
    'minus − suite: -10.00 (IQR -15.00 … -10.00) µs/req'
  ])
})
