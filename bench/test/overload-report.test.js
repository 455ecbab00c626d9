import t from 'tap'
import { OVERLOAD_GOALS, figures, goalChecks, overloadMarkdown, overloadQuality, summarizeLoad } from '../src/overload-report.js'

// What src/open-loop.js returns for 10 s at 4 000 req/s offered.
function openLoopResult (overrides = {}) {
  return {
    rate: 4000,
    seconds: 10,
    timeoutMs: 2000,
    offered: 40_000,
    statusCodes: { 200: 9000, 503: 30_000 },
    served: 9000,
    shedWithRetryAfter: 30_000,
    shedWithout: 0,
    otherNon2xx: 0,
    timeouts: 600,
    expiredUnsent: 200,
    connectionErrors: 200,
    latencies: Array.from({ length: 100 }, (_, i) => i + 1),
    maxConnections: 1000,
    ...overrides
  }
}

const liveness = (ok, sent) => ({ sent, ok, non2xx: sent - ok, timeouts: 0, errors: 0, maxMs: 12, timeoutMs: 1000 })

t.test('one open-loop run becomes goodput, p99 of the served requests and shares of the offered', async (t) => {
  const s = summarizeLoad(openLoopResult())
  t.equal(s.goodput, 900, '2xx answered in time per second')
  t.equal(s.p50, 50)
  t.equal(s.p99, 99)
  t.equal(s.max, 100)
  t.equal(s.shedShare, 0.75, '503 with Retry-After over offered')
  t.equal(s.lostShare, 0.025, 'given up, never sent and reset over offered')
  t.notOk('latencies' in s, 'the raw latencies are not kept')
  const empty = summarizeLoad(openLoopResult({ offered: 0, served: 0, latencies: [] }))
  t.equal(empty.shedShare, 0)
  t.equal(empty.lostShare, 0)
  t.equal(empty.p99, undefined)
})

const suite = {
  scenario: 'fastify-production',
  label: 'fastify-production (defaults)',
  status: 'ok',
  capacity: { rps: 1000, p99: 120 },
  unloaded: { rate: 250, p99: 4, served: 1250, offered: 1250 },
  loads: [
    { multiplier: 2, ...summarizeLoad(openLoopResult({ rate: 2000, served: 9500, latencies: [3, 5, 20] })), liveness: liveness(40, 40) },
    { multiplier: 4, capacity: 1125, ...summarizeLoad(openLoopResult()), liveness: liveness(39, 40) }
  ]
}

t.test('figures put each level against the scenario\'s own capacity and light-load p99', async (t) => {
  const [two, four] = figures(suite)
  t.equal(two.capacity, 1000, 'no capacity of its own: the scenario\'s')
  t.equal(two.goodputShare, 0.95)
  t.equal(two.p99Factor, 5)
  t.equal(four.capacity, 1125, 'measured just before the level')
  t.equal(four.goodputShare, 0.8)
  t.equal(four.p99Factor, 99 / 4)
  t.equal(four.livenessShare, 39 / 40)
  t.same(figures({}), [], 'no levels measured')
  const bare = figures({ loads: [{ multiplier: 2, goodput: 10, p99: undefined }] })[0]
  t.equal(bare.goodputShare, undefined, 'no capacity, no share')
  t.equal(bare.p99Factor, undefined)
  t.equal(bare.livenessShare, undefined)
  t.equal(figures({ capacity: { rps: 0 }, unloaded: { p99: 0 }, loads: [{ multiplier: 2, goodput: 1, p99: 3, liveness: liveness(0, 0) }] })[0].livenessShare, undefined)
})

t.test('goal checks: goodput at 4×, p99 and liveness at every level', async (t) => {
  const checks = goalChecks(suite)
  t.same(checks.map((c) => [c.goal, c.ok]), [
    ['goodput', true],
    ['p99 2×', true],
    ['liveness 2×', true],
    ['p99 4×', false],
    ['liveness 4×', false]
  ])
  t.equal(checks[0].text, 'goodput at 4× = 80 % of capacity (goal ≥ 80 %)')
  t.equal(checks[3].text, 'p99 served at 4× = 24.8× the light-load p99 (goal ≤ 10×)')
  t.equal(checks[4].text, '/health/live at 4×: 39/40 answered 2xx within 1000 ms')
  t.same(goalChecks({ loads: [{ multiplier: 2, goodput: 1 }] }), [], 'nothing measurable, nothing claimed')
  t.equal(goalChecks(suite, { ...OVERLOAD_GOALS, goodput: 0.85 })[0].ok, false)
})

t.test('overload goals are judged only when light load was light', async (t) => {
  t.same(overloadQuality(suite), [])
  t.same(overloadQuality({ unloaded: { p99: 1004, served: 1200, offered: 1250 } }), [
    'light load served only 96 % in time (needs ≥ 99 %)',
    'light-load p99 1,004 ms (needs ≤ 100 ms)'
  ])
  t.same(overloadQuality({}), ['light load served only 0 % in time (needs ≥ 99 %)', 'light-load p99 – ms (needs ≤ 100 ms)'])
  const busy = overloadMarkdown({
    options: { multipliers: [2, 4], workIterations: 4000 },
    suite: 'fastify-production',
    scenarios: [{ ...suite, unloaded: { p99: 1004, served: 1250, offered: 1250 } }]
  }).join('\n')
  t.match(busy, /\*\*Suite under overload: ❔ not judged: the machine was too busy \(light-load p99 1,004 ms \(needs ≤ 100 ms\)\)\.\*\*/)
  t.match(busy, /^- goodput at 4× = 80 % of capacity/m, 'the figures, without ✅ or ❌')
  t.notMatch(busy, /[✅❌]/)
})

t.test('the markdown section: a table row per level, skipped and failed scenarios, the suite\'s goals', async (t) => {
  const options = {
    multipliers: [2, 4],
    connections: 100,
    warmup: 2,
    capacitySeconds: 5,
    seconds: 10,
    lightLoad: 0.25,
    timeoutMs: 2000,
    maxConnections: 1000,
    livenessEveryMs: 250,
    livenessTimeoutMs: 1000,
    workIterations: 4000
  }
  const bare = { ...suite, scenario: 'fastify-bare', label: 'bare Fastify', unloaded: { p99: 12.5 }, loads: [{ multiplier: 2, rate: 2000, goodput: 990, shedShare: 0, shedWithout: 0, lostShare: 0 }] }
  const md = overloadMarkdown({
    options: { ...options, health: { maxEventLoopDelay: 200 } },
    suite: 'fastify-production',
    scenarios: [
      bare,
      { scenario: 'fastify-stock', label: 'stock | stack', status: 'skip', reason: 'Cannot find package x\nstack' },
      { scenario: 'other', label: 'other', status: 'error' },
      { scenario: 'idle', label: 'idle', status: 'ok', capacity: { rps: 0 }, unloaded: {}, loads: [{ multiplier: 2 }] },
      suite
    ]
  }).join('\n')
  t.match(md, /^## Overload: a fixed offered rate of 2× and 4× each server's capacity/)
  t.match(md, /pbkdf2, 4000 SHA-256 iterations/)
  t.match(md, /health options `\{"maxEventLoopDelay":200\}`/)
  t.match(md, /\| bare Fastify \| 13 \| 2× \| 1,000 \| 2,000 \| 990 \| 99 % \| – \| – \| 0 % \| 0 \| 0 % \| – \|/)
  t.match(md, /\| stock \| stack \| skipped: Cannot find package x \|/)
  t.match(md, /\| other \| failed: {2}\|/)
  t.match(md, /\| idle \| – \| 2× \| 0 \| – \| – \| – \| – \| – \| – \| – \| – \| – \|/, 'nothing measured shows as –')
  t.match(md, /\| fastify-production \(defaults\) \| 4\.0 \| 2× \| 1,000 \| 2,000 \| 950 \| 95 % \| 20 \| 5\.0× \| 75 % \| 0 \| 3 % \| 40\/40 \|/)
  t.match(md, /\| {2}\| {2}\| 4× \| 1,125 \| 4,000 \| 900 \| 80 % \| 99 \| 24\.8× \|/)
  t.match(md, /\*\*Suite under overload: 2 of 5 goals missed\*\*/)
  t.match(md, /- ❌ p99 served at 4×/)
  t.match(md, /- ✅ goodput at 4×/)

  const good = { ...suite, loads: suite.loads.map((l) => ({ ...l, p99: 10, liveness: liveness(40, 40) })) }
  const allMet = overloadMarkdown({ options, suite: 'fastify-production', scenarios: [good] }).join('\n')
  t.match(allMet, /\*\*Suite under overload: every goal met\*\*/)
  t.notMatch(allMet, /health options/)
  t.notMatch(allMet, /port of their own/)

  const onProbePort = { ...suite, loads: suite.loads.map((l) => ({ ...l, liveness: { ...l.liveness, ownPort: true } })) }
  const probes = overloadMarkdown({ options: { ...options, health: { port: 0 } }, suite: 'fastify-production', scenarios: [onProbePort] }).join('\n')
  t.match(probes, /health options `\{"port":0\}`/)
  t.match(probes, /Rows whose probes have a port of their own .* were polled there/)
  t.match(probes, /\/health\/live \(probe port\) at 4×: 39\/40 answered 2xx within 1000 ms/)
  t.notMatch(overloadMarkdown({ options, suite: 'fastify-production', scenarios: [bare] }).join('\n'), /Suite under overload/, 'no suite row, no goal lines')

  // Both suites of a default run judged, each named.
  const portRow = { ...onProbePort, scenario: 'fastify-production-probe-port', label: 'fastify-production, probes on their own port' }
  const both = overloadMarkdown({ options, suites: ['fastify-production', 'fastify-production-probe-port'], scenarios: [bare, suite, portRow] }).join('\n')
  t.match(both, /\*\*Suite under overload: fastify-production \(defaults\): 2 of 5 goals missed\*\*/)
  t.match(both, /\*\*Suite under overload: fastify-production, probes on their own port: 2 of 5 goals missed\*\*/)
  t.match(both, /- ✅ \/health\/live \(probe port\) at 2×/)
})
