import t from 'tap'
import { freePort } from '@fastify-production/test-support/free-port'
import { msg, runCluster, type Line } from './helpers/cluster-process.js'

const cases: Array<{ name: string, workers: number, env: Record<string, string>, code: string, message: string | RegExp }> = [
  { name: 'cluster: build() throws in every worker', workers: 2, env: { FIXTURE_BUILD_FAIL: '1' }, code: 'Error', message: 'fixture: build fails on purpose' },
  { name: 'cluster: build() returns no app (a coded error)', workers: 2, env: { FIXTURE_BUILD_RETURNS: 'nothing' }, code: 'FP_ERR_CLUSTER_BUILD', message: /^build\(\) must return .* got \{ not: 'an app' \}$/ },
  { name: 'workers: 1: start() rejects, the server file ends it with bootFailed()', workers: 1, env: { FIXTURE_BUILD_FAIL: '1' }, code: 'Error', message: 'fixture: build fails on purpose' }
]

for (const c of cases) {
  t.test(`${c.name}: one fatal JSON line with the code and the message, exit 1`, { timeout: 120_000 }, async (t) => {
    const cluster = runCluster(t, { workers: c.workers, port: await freePort(), restartDelay: 10 }, c.env)
    const { code, stdout, stderr } = await cluster.exit
    t.equal(code, 1, 'exit code 1')
    t.equal(stderr, '', 'nothing on stderr: no raw stack')
    t.ok(stdout.trim().split('\n').every((l) => l.startsWith('{') && l.endsWith('}')), 'every line of stdout is JSON')
    const fatal = cluster.lines.filter((l) => l.level === 'fatal')
    t.equal(fatal.length, 1, 'one fatal line')
    const line = fatal[0] as Line
    t.match(line, { code: c.code, msg: `the app failed to start: ${typeof c.message === 'string' ? c.message : ''}`, err: { message: c.message } })
    t.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    if (c.code.startsWith('FP_ERR_')) t.notOk((line.err as { stack?: string }).stack, 'a coded error names its cause: no stack')
    else t.match(line.err, { stack: /fixture: build fails on purpose\n\s+at / }, 'an uncoded one keeps its stack, inside the one line')
    t.notOk(cluster.lines.some(msg(/died|restarting|crash loop/)), 'a failed boot is not restarted')
  })
}
