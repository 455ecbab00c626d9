import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { localChecks, readOpenFilesLimit } from '../src/doctor/local-checks.js'
import { summarize, formatText } from '../src/doctor/report.js'
import type { RuntimeFacts } from '../src/risk.js'
import { MiB, safeRuntime } from './fixtures/runtime-facts.js'

const runtime: RuntimeFacts = safeRuntime
const base = { runtime, openFilesLimit: 65536, threadpoolSize: '8', shutdownSeconds: 30, healthPrefix: '/health' }

function project (files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fp-doctor-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}

const byId = (checks: ReturnType<typeof localChecks>) => Object.fromEntries(checks.map((c) => [c.id, c]))

t.test('a well-kept project in a good environment passes everything', async (t) => {
  const cwd = project({
    'package.json': '{"name":"svc"}',
    'pnpm-lock.yaml': 'lockfileVersion: 9',
    '.nvmrc': '22',
    '.gitignore': '.env\n',
    '.env': 'SECRET=1',
    Dockerfile: 'FROM node:22 AS build\nUSER root\nFROM node:22\nUSER node\n',
    'k8s/app.yml': 'kind: Deployment\n      terminationGracePeriodSeconds: 35\n  livenessProbe:\n    httpGet:\n      path: /health/live\n  readinessProbe:\n    httpGet:\n      path: /health/ready\n  startupProbe:\n    httpGet:\n      path: /health/startup\n',
    'node_modules/x/Dockerfile': 'FROM x\n'
  })
  execFileSync('git', ['init', '-q'], { cwd })
  execFileSync('git', ['add', '.'], { cwd })
  const checks = localChecks({ ...base, cwd })
  t.same(checks.filter((c) => c.status !== 'pass').map((c) => c.id), [], 'nothing warns or fails')
  t.match(byId(checks).lockfile, { reason: /pnpm install --frozen-lockfile/ })
  t.equal(summarize(checks).score, 100)
})

t.test('each problem is caught with its fix', async (t) => {
  const cwd = project({ 'package.json': '{}', '.env': 'SECRET=1', Dockerfile: 'FROM node:22\n', 'yarn.lock': '' })
  execFileSync('git', ['init', '-q'], { cwd })
  execFileSync('git', ['add', '.'], { cwd })
  const checks = byId(localChecks({
    ...base,
    cwd,
    runtime: { ...runtime, nodeEnv: 'development', nodeVersion: '18.20.0', uid: 0, maxOldSpaceSizeSet: false, sourceMapsEnabled: false },
    openFilesLimit: 1024,
    threadpoolSize: undefined
  }))
  t.match(checks, {
    FP_WARN_NODE_ENV: { status: 'warn', group: 'config' },
    FP_WARN_NODE_EOL: { status: 'fail', group: 'process' },
    FP_WARN_ROOT_USER: { status: 'warn', group: 'deployment' },
    FP_WARN_HEAP_UNSET: { status: 'warn', group: 'performance' },
    FP_WARN_SOURCE_MAPS: { status: 'warn', group: 'errors' },
    'uv-threadpool': { status: 'warn' },
    ulimit: { status: 'warn', reason: 'ulimit -n = 1024' },
    'node-pinned': { status: 'warn' },
    'env-untracked': { status: 'fail', reason: 'tracked: .env', fix: /rotate/ },
    'docker-user': { status: 'fail', reason: 'Dockerfile: no USER instruction' },
    lockfile: { status: 'pass', reason: /yarn install --immutable/ }
  })
  t.match(byId(localChecks({ ...base, cwd, runtime: { ...runtime, heapLimitBytes: 1900 * MiB } })).FP_WARN_HEAP_ABOVE_LIMIT, { status: 'fail' })
})

t.test('missing lockfile, no package.json, unreadable ulimit, default grace period, root USER', async (t) => {
  const cwd = project({ Dockerfile: 'FROM node\nUSER 0:0\n', 'deploy.yaml': 'kind: Deployment\n' })
  const checks = byId(localChecks({ ...base, cwd, openFilesLimit: undefined }))
  t.match(checks, {
    lockfile: { status: 'fail' },
    ulimit: { status: 'skip' },
    'docker-user': { status: 'fail', reason: 'Dockerfile: USER 0:0' },
    'k8s-grace': { status: 'fail', reason: /30 s \(Kubernetes default\)/ },
    'k8s-livenessProbe': { status: 'warn' }
  })
})

t.test('a folder that cannot be read is no crash', async (t) => {
  const checks = byId(localChecks({ ...base, cwd: join(tmpdir(), 'fp-does-not-exist') }))
  t.match(checks, { 'docker-user': { status: 'skip' }, lockfile: { status: 'fail' } })
})

t.test('ulimit -n is read from a shell', async (t) => {
  const limit = readOpenFilesLimit()
  t.ok(limit !== undefined && limit > 0, `ulimit -n = ${String(limit)}`)
  t.equal(readOpenFilesLimit('/nonexistent/shell'), undefined, 'no shell: unknown, not a crash')
  const fake = join(mkdtempSync(join(tmpdir(), 'fp-sh-')), 'sh')
  writeFileSync(fake, '#!/bin/sh\necho unlimited\n', { mode: 0o755 })
  t.equal(readOpenFilesLimit(fake), Number.POSITIVE_INFINITY, '"unlimited" is no limit')
})

t.test('the text report groups checks as the guides do and prints fixes', async (t) => {
  const text = formatText(summarize([
    { group: 'security', id: 'a', title: 'A', status: 'fail', reason: 'bad', fix: 'do x' },
    { group: 'process', id: 'b', title: 'B', status: 'pass', reason: 'fine', fix: '' },
    { group: 'process', id: 'c', title: 'C', status: 'skip', reason: 'n/a', fix: 'ignored' }
  ]))
  t.ok(text.indexOf('process') < text.indexOf('security'), 'process before security')
  t.match(text, /FAIL {2}A — bad\n {8}fix: do x/)
  t.notMatch(text, /fix: ignored/)
  t.match(text, /score 50\/100 — 1 pass, 0 warn, 1 fail, 1 skipped/)
  t.equal(summarize([]).score, 100, 'nothing counted: nothing wrong')
})
