import t from 'tap'
import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { userNodeEnv } from '@fastify-production/test-support'
import { main } from '../src/cli.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

function capture (): { write: (text: string) => void, out: () => string } {
  let text = ''
  return { write: (chunk) => { text += chunk }, out: () => text }
}

t.test('usage: no command, --help, unknown flags, bad numbers', async (t) => {
  const none = capture()
  t.equal(await main([], none.write), 2)
  t.match(none.out(), /Usage: fastify-production doctor/)
  const help = capture()
  t.equal(await main(['--help'], help.write), 0)
  t.match(help.out(), /--url URL/)
  const unknown = capture()
  t.equal(await main(['doctor', '--nope'], unknown.write), 2)
  t.match(unknown.out(), /Unknown option '--nope'/)
  const bad = capture()
  t.equal(await main(['doctor', '--timeout', 'soon'], bad.write), 2)
  t.match(bad.out(), /--timeout must be a non-negative number/)
  const badScore = capture()
  t.equal(await main(['doctor', '--min-score=-1'], badScore.write), 2)
  t.match(badScore.out(), /--min-score must be/)
})

t.test('--url against a bare Fastify app: the missing protections fail, exit 1', async (t) => {
  const app = Fastify()
  app.get('/health/live', async () => ({ ok: true }))
  app.get('/metrics', async () => 'open')
  // What hand-wired apps get wrong: a framework banner, CORS for everyone, stacks in error bodies.
  app.addHook('onSend', async (_request, reply) => { reply.header('x-powered-by', 'Express').header('access-control-allow-origin', '*') })
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'Not Found', stack: 'Error: Not Found\n    at handler (/app/server.js:10:5)' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const out = capture()
  t.equal(await main(['doctor', '--url', url, '--json'], out.write), 1)
  const report = JSON.parse(out.out()) as { score: number, checks: Array<{ id: string, status: string }> }
  const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]))
  t.match(status, {
    'http.liveness': 'pass',
    'http.readiness': 'fail',
    'http.headers-on-200': 'fail',
    'http.headers-on-404': 'fail',
    'http.no-powered-by': 'fail',
    'http.cors-unknown-origin': 'fail',
    'http.rate-limit': 'fail',
    'http.problem-json': 'fail',
    'http.request-id': 'fail',
    'http.metrics-protected': 'fail',
    'http.malformed-json': 'skip'
  })
  t.ok(report.score < 50, `score ${report.score}`)
  t.match(report.checks.find((c) => c.id === 'http.problem-json'), { reason: /body carries a stack trace/ })
})

t.test('--url with --post checks that a broken JSON body gets a clean 400', async (t) => {
  const app = Fastify()
  app.post('/echo', async (request) => request.body)
  // A hand-written handler that sends the stack: what the doctor exists to catch.
  app.setErrorHandler((err: Error, _request, reply) => reply.code(400).send({ message: err.message, stack: err.stack }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const out = capture()
  await main(['doctor', '--url', url, '--post', '/echo', '--json'], out.write)
  const check = (JSON.parse(out.out()) as { checks: Array<{ id: string, status: string, reason: string }> }).checks.find((c) => c.id === 'http.malformed-json')
  t.match(check, { status: 'fail', reason: /→ 400, body shows parser internals/ }, 'Fastify\'s raw message names the JSON error')
})

t.test('--url against a service that does everything right: every check passes, exit 0', async (t) => {
  let readyStatus = 200
  const server = createServer((req, res) => {
    const headers: Record<string, string> = {
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'strict-transport-security': 'max-age=31536000',
      'referrer-policy': 'no-referrer',
      'ratelimit-limit': '100',
      'x-request-id': String(req.headers['x-request-id'] ?? 'generated')
    }
    if (req.url === '/health/live') return res.writeHead(200, headers).end('{}')
    if (req.url === '/health/ready') return res.writeHead(readyStatus, headers).end('{}')
    if (req.url === '/metrics') return res.writeHead(401, { ...headers, 'content-type': 'application/problem+json' }).end('{}')
    if (req.method === 'POST') return res.writeHead(400, { ...headers, 'content-type': 'application/problem+json' }).end('{"detail":"bad body"}')
    res.writeHead(404, { ...headers, 'content-type': 'application/problem+json; charset=utf-8' }).end('{"status":404}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  const out = capture()
  t.equal(await main(['doctor', '--url', url, '--post', '/orders', '--json'], out.write), 0)
  const report = JSON.parse(out.out()) as { score: number, counts: { fail: number, warn: number } }
  t.match(report, { score: 100, counts: { fail: 0, warn: 0 } })
  readyStatus = 503
  const draining = capture()
  t.equal(await main(['doctor', '--url', url, '--json'], draining.write), 0, 'not ready is a warning, not a failure')
  t.match(JSON.parse(draining.out()).checks.find((c: { id: string }) => c.id === 'http.readiness'), { status: 'warn', reason: /draining/ })
  const strict = capture()
  t.equal(await main(['doctor', '--url', url, '--min-score', '101'], strict.write), 1, 'below --min-score exits 1')
  server.close()
  const gone = capture()
  t.equal(await main(['doctor', '--url', url, '--timeout', '500'], gone.write), 1)
})

t.test('--url with nothing listening fails fast and says so', async (t) => {
  const out = capture()
  t.equal(await main(['doctor', '--url', 'http://127.0.0.1:1', '--timeout', '500'], out.write), 1)
  t.match(out.out(), /FAIL {2}service answers — no answer from http:\/\/127\.0\.0\.1:1/)
})

t.test('without --url: checks the project folder and the environment, as text', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fp-doctor-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'svc', engines: { node: '>=22' } }))
  writeFileSync(join(dir, 'package-lock.json'), '{}')
  writeFileSync(join(dir, 'Dockerfile'), 'FROM node:22\nUSER node\nCMD ["node", "server.js"]\n')
  mkdirSync(join(dir, 'deploy'))
  writeFileSync(join(dir, 'deploy', 'k8s.yaml'), 'kind: Deployment\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 20\n      containers:\n        - livenessProbe:\n            httpGet:\n              path: /health/live\n          readinessProbe:\n            httpGet:\n              path: /healthz\n')
  const cwd = process.cwd()
  process.chdir(dir)
  t.teardown(() => process.chdir(cwd))
  const out = capture()
  const code = await main(['doctor'], out.write)
  t.equal(code, 1, 'a failing check makes the exit code 1')
  const text = out.out()
  t.match(text, /deployment\n/)
  t.match(text, /PASS {2}a lockfile for reproducible installs — package-lock.json: deploy with npm ci/)
  t.match(text, /PASS {2}Dockerfile runs as a non-root user — Dockerfile: USER node/)
  t.match(text, /FAIL {2}terminationGracePeriodSeconds above the shutdown budget — deploy\/k8s.yaml: 20 s/)
  t.match(text, /FAIL {2}readinessProbe points at the service's probe — deploy\/k8s.yaml: readinessProbe path \/healthz/)
  t.match(text, /WARN {2}startupProbe configured/)
  t.match(text, /SKIP {2}\.env not committed — not a git repository/)
  t.match(text, /score \d+\/100/)
})

t.test('the bin runs the CLI and sets the exit code', async (t) => {
  const env = userNodeEnv()
  const result = await new Promise<{ code: number | null, stdout: string }>((resolve) => {
    const child = execFile(process.execPath, [join(packageDir, 'dist', 'bin.js'), '--help'], { env }, (_err, stdout) => resolve({ code: child.exitCode, stdout }))
  })
  t.equal(result.code, 0)
  t.match(result.stdout, /Usage: fastify-production doctor/)
})

t.test('--url against an app that keeps @fastify/rate-limit: its x-ratelimit-* headers pass the rate-limit check', async (t) => {
  const app = Fastify()
  await app.register(rateLimit, { max: 100 })
  // As fastify/demo does: @fastify/rate-limit limits unmatched routes only when the 404 handler asks it to.
  app.setNotFoundHandler({ preHandler: app.rateLimit() }, async (_request, reply) => reply.code(404).send({ message: 'Not Found' }))
  await app.listen({ port: 0, host: '127.0.0.1' })
  t.teardown(() => app.close())
  const out = capture()
  await main(['doctor', '--url', `http://127.0.0.1:${(app.server.address() as { port: number }).port}`, '--json'], out.write)
  const check = (JSON.parse(out.out()) as { checks: Array<{ id: string, status: string, reason: string }> }).checks.find((c) => c.id === 'http.rate-limit')
  t.match(check, { status: 'pass', reason: 'x-ratelimit-limit: 100' })
})
