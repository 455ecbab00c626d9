import t from 'tap'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runtimeFindings, appFindings, packageFindings, type RuntimeFacts } from '../src/index.js'
import { MiB, safeRuntime } from './fixtures/runtime-facts.js'
import { containerMemoryLimit, hasSourceMapsBeside, readRuntimeFacts } from '../src/risk.js'

const safe: RuntimeFacts = safeRuntime
const codes = (facts: Partial<RuntimeFacts>): string[] => runtimeFindings({ ...safe, ...facts }).map((f) => f.code)

t.test('a safe runtime has no findings', async (t) => {
  t.same(runtimeFindings(safe), [])
})

t.test('each risky runtime fact gives its own code and a fix', async (t) => {
  t.same(codes({ nodeEnv: undefined }), ['FP_WARN_NODE_ENV'])
  t.same(codes({ nodeEnv: 'development' }), ['FP_WARN_NODE_ENV'])
  t.same(codes({ nodeVersion: '20.20.2' }), ['FP_WARN_NODE_EOL'], 'Node 20 ended on 2026-04-30')
  t.same(codes({ nodeVersion: '20.20.2', today: new Date('2026-04-30') }), [], 'not before its last day is over')
  t.same(codes({ nodeVersion: '30.0.0' }), [], 'a major the table does not know is not judged')
  t.same(codes({ uid: 0 }), ['FP_WARN_ROOT_USER'])
  t.same(codes({ uid: undefined }), [], 'no uid on this platform')
  t.same(codes({ maxOldSpaceSizeSet: false }), ['FP_WARN_HEAP_UNSET'])
  t.same(codes({ heapLimitBytes: 1800 * MiB }), ['FP_WARN_HEAP_ABOVE_LIMIT'])
  t.same(codes({ containerMemoryBytes: undefined, maxOldSpaceSizeSet: false }), [], 'no container limit, nothing to fit')
  t.same(codes({ sourceMapsEnabled: false }), ['FP_WARN_SOURCE_MAPS'])
  t.same(codes({ sourceMapsEnabled: false, entryHasSourceMaps: false }), [], 'no maps shipped, nothing to enable')
  const heap = runtimeFindings({ ...safe, maxOldSpaceSizeSet: false })[0]
  t.match(heap, { message: /2048 MiB/, fix: '--max-old-space-size=1536' })
  t.match(runtimeFindings({ ...safe, heapLimitBytes: 1800 * MiB })[0], { message: /1800 MiB/, fix: /1536/ })
})

t.test('app settings: permissive trustProxy and a short keep-alive', async (t) => {
  t.same(appFindings({ trustProxy: ['10.0.0.0/8'], keepAliveTimeout: 72_000 }), [])
  t.same(appFindings({ trustProxy: true, keepAliveTimeout: 5_000 }).map((f) => f.code), ['FP_WARN_TRUST_PROXY', 'FP_WARN_KEEP_ALIVE'])
  t.same(appFindings({ trustProxy: undefined, keepAliveTimeout: undefined }), [])
})

t.test('the container memory limit is read from cgroup v2, then v1; unlimited is undefined', async (t) => {
  const v2 = mkdtempSync(join(tmpdir(), 'fp-cg-'))
  writeFileSync(join(v2, 'memory.max'), '536870912\n')
  t.equal(containerMemoryLimit(v2), 512 * MiB)
  writeFileSync(join(v2, 'memory.max'), 'max\n')
  t.equal(containerMemoryLimit(v2), undefined)
  const v1 = mkdtempSync(join(tmpdir(), 'fp-cg-'))
  mkdirSync(join(v1, 'memory'))
  writeFileSync(join(v1, 'memory', 'memory.limit_in_bytes'), '9223372036854771712\n')
  t.equal(containerMemoryLimit(v1), undefined, 'v1 says unlimited with a huge number')
  writeFileSync(join(v1, 'memory', 'memory.limit_in_bytes'), '1073741824\n')
  t.equal(containerMemoryLimit(v1), 1024 * MiB)
  t.equal(containerMemoryLimit(join(v1, 'nope')), undefined)
})

t.test('readRuntimeFacts reads this process', async (t) => {
  const facts = readRuntimeFacts()
  t.equal(facts.nodeVersion, process.versions.node)
  t.equal(facts.nodeEnv, process.env.NODE_ENV)
  t.ok(facts.heapLimitBytes > 0)
  t.type(facts.entryHasSourceMaps, 'boolean')
})

t.test('source maps are looked for beside the entry script', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-maps-'))
  writeFileSync(join(dir, 'server.js'), '')
  t.equal(hasSourceMapsBeside(join(dir, 'server.js')), false)
  writeFileSync(join(dir, 'server.js.map'), '{}')
  t.equal(hasSourceMapsBeside(join(dir, 'server.js')), true)
  t.equal(hasSourceMapsBeside(join(dir, 'missing', 'server.js')), false)
  t.equal(hasSourceMapsBeside(undefined), false, 'no entry script (a REPL)')
})

t.test('package settings: rate limit off, CORS wildcard, public metrics, a shutdown longer than the grace period', async (t) => {
  const safe = { security: { cors: { origins: ['https://app.example.com'] } }, metrics: { token: 't' }, shutdown: { timeout: 25_000 }, production: false }
  const codes = (p: object): string[] => packageFindings({ ...safe, ...p }).map((f) => f.code)
  t.same(codes({}), [])
  t.same(codes({ security: false }), ['FP_WARN_RATE_LIMIT_OFF'])
  t.same(codes({ security: { rateLimit: false } }), ['FP_WARN_RATE_LIMIT_OFF'])
  t.same(codes({ security: { cors: false } }), [])
  t.same(codes({ security: { cors: { origins: ['*'] } } }), ['FP_WARN_CORS_WILDCARD'])
  t.same(codes({ metrics: {} }), ['FP_WARN_METRICS_PUBLIC'])
  t.same(codes({ metrics: {}, production: true }), ['FP_WARN_METRICS_OFF'], 'in production the umbrella leaves it out')
  t.same(codes({ metrics: { public: true }, production: true }), ['FP_WARN_METRICS_PUBLIC'], 'public said on purpose is still reported')
  t.same(codes({ metrics: { port: 9091 } }), [])
  t.same(codes({ metrics: false }), [])
  t.same(codes({ shutdown: { timeout: 29_000 } }), ['FP_WARN_SHUTDOWN_GRACE'])
  t.same(codes({ shutdown: {} }), [], 'the default timeout fits')
  t.same(codes({ shutdown: false }), [])
})
