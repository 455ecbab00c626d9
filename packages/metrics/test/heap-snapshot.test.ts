import t from 'tap'
import Fastify from 'fastify'
import { request as httpRequest } from 'node:http'
import { open, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { logCapture } from '@fastify-production/test-support'
import { PassThrough } from 'node:stream'
import type { FastifyPluginAsync } from 'fastify'
import type { MetricsOptions } from '../src/index.js'
import { HeapSnapshots } from '../src/heap-snapshot.js'

// In this process V8 snapshots hang (the test runner's TypeScript loader runs on a worker thread):
// here node:v8 gives a stream the test controls; heap-snapshot-real.test.ts takes real ones in a child.
const streams: PassThrough[] = []
function getHeapSnapshot (): PassThrough {
  const stream = new PassThrough()
  streams.push(stream)
  return stream
}
function finish (stream: PassThrough | undefined): void {
  stream?.end('{"snapshot":{"meta":{}},"nodes":[' + '0,'.repeat(1000) + '0]}')
}
class ControlledSnapshots extends HeapSnapshots {
  constructor (dir: string) { super(dir, getHeapSnapshot) }
}
const { default: metrics } = await t.mockImport<{ default: FastifyPluginAsync<MetricsOptions> }>('../src/index.js', { '../src/heap-snapshot.js': { HeapSnapshots: ControlledSnapshots } })

async function until (condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(setImmediate)
}

const TOKEN = 'heap-token'
const auth = { authorization: `Bearer ${TOKEN}` }

async function firstBytes (file: string): Promise<string> {
  const handle = await open(file)
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(64), 0, 64, 0)
    return buffer.subarray(0, bytesRead).toString('utf8')
  } finally {
    await handle.close()
  }
}

t.test('off by default: no route', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { token: TOKEN })
  t.equal((await app.inject({ method: 'POST', url: '/debug/heap-snapshot', headers: auth })).statusCode, 404)
})

t.test('POST /debug/heap-snapshot: same protection as /metrics, writes a snapshot, one at a time', async (t) => {
  const dir = join(t.testdirName, 'snapshots')
  const logs = logCapture()
  const app = Fastify({ logger: { stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(metrics, { token: TOKEN, heapSnapshot: { dir } })

  const denied = await app.inject({ method: 'POST', url: '/debug/heap-snapshot' })
  t.equal(denied.statusCode, 401)
  t.equal(denied.json().code, 'UNAUTHORIZED')

  const taken = streams.length
  const pending = app.inject({ method: 'POST', url: '/debug/heap-snapshot', headers: auth })
  await until(() => streams.length > taken)
  const second = await app.inject({ method: 'POST', url: '/debug/heap-snapshot?again=1', headers: auth })
  finish(streams.at(-1))
  const first = await pending
  t.equal(first.statusCode, 201)
  const { file } = first.json() as { file: string }
  t.match(file, /^heap-\d+-[\dT-]+Z-1\.heapsnapshot$/, 'a file name, not a path')
  const written = join(dir, file)
  t.ok((await stat(written)).size > 1000, 'the snapshot stream was written to the file')
  t.equal((await stat(written)).mode & 0o777, 0o600, 'readable by the owner only: it holds secrets')
  t.match(await firstBytes(written), /^\{"snapshot":/, 'a V8 heap snapshot')
  t.match(logs.lines.find((l) => l.msg === 'heap snapshot written'), { level: 40, file })

  t.equal(second.statusCode, 409, 'a second request while one is written is refused')
  t.match(second.json(), { status: 409, code: 'HEAP_SNAPSHOT_IN_PROGRESS', instance: '/debug/heap-snapshot' })
  t.equal(second.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('a snapshot that cannot be written answers 500 and logs why', async (t) => {
  const blocked = join(t.testdir(), 'not-a-dir')
  const logs = logCapture()
  const app = Fastify({ logger: { stream: logs.stream } })
  t.teardown(() => app.close())
  await app.register(metrics, { heapSnapshot: { dir: blocked } })
  await writeFile(blocked, 'a file where the directory should be')
  const res = await app.inject({ method: 'POST', url: '/debug/heap-snapshot' })
  t.equal(res.statusCode, 500)
  t.match(res.json(), { status: 500, code: 'HEAP_SNAPSHOT_FAILED' })
  t.match(logs.lines.find((l) => l.msg === 'heap snapshot failed'), { level: 50, err: { code: 'EEXIST' } })
})

t.test('on the separate port, with its token', async (t) => {
  const dir = t.testdir()
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics, { port: 0, token: TOKEN, heapSnapshot: { dir } })
  await app.ready()
  const port = app.metrics.address?.port as number
  const post = (headers: Record<string, string>): Promise<{ status: number, body: string }> => new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/debug/heap-snapshot', method: 'POST', headers, agent: false }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => { body += c.toString() })
      res.on('end', () => resolve({ status: res.statusCode as number, body }))
    }).on('error', reject).end()
  })
  t.equal((await post({})).status, 401)
  const posting = post(auth)
  await until(() => streams.length > 0 && streams.at(-1)?.listenerCount('data') !== 0)
  finish(streams.at(-1))
  const ok = await posting
  t.equal(ok.status, 201)
  t.ok((await stat(join(dir, (JSON.parse(ok.body) as { file: string }).file))).size > 1000)
})

t.test('idle() resolves once the snapshot being written is complete', async (t) => {
  const snapshots = new ControlledSnapshots(t.testdir())
  const taken = streams.length
  const taking = snapshots.take()
  t.same(await snapshots.take(), { status: 409 })
  let idle = false
  const waiting = snapshots.idle().then(() => { idle = true })
  await until(() => streams.length > taken)
  t.equal(idle, false, 'not idle while the snapshot is written')
  finish(streams.at(-1))
  await waiting
  const result = await taking
  t.equal(result.status, 201)
  t.ok((await stat(join(t.testdirName, (result as { file: string }).file))).size > 1000)
  await snapshots.idle()
  t.pass('idle() with nothing running resolves at once')
})
