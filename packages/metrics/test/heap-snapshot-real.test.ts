import t from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdir, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import { userNodeEnv } from '@fastify-production/test-support'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')

t.test('a real app in its own process writes a real V8 heap snapshot on POST, behind its token', async (t) => {
  const dir = t.testdir()
  // No test-runner loaders in the child: with them, V8 heap snapshots hang.
  const env = userNodeEnv({ METRICS_TOKEN: 'heap-token', SNAPSHOT_DIR: dir })
  const child = spawn(process.execPath, [join(packageDir, 'test/fixtures/heap-app.mjs')], { cwd: packageDir, env, stdio: ['pipe', 'pipe', 'inherit'] })
  t.teardown(() => { child.kill() })
  const [line] = await once(createInterface({ input: child.stdout }), 'line') as [string]
  const { port } = JSON.parse(line) as { port: number }
  const url = `http://127.0.0.1:${port}/debug/heap-snapshot`

  t.equal((await fetch(url, { method: 'POST' })).status, 401)
  const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer heap-token' } })
  t.equal(res.status, 201)
  const { file } = await res.json() as { file: string }
  t.same(await readdir(dir), [file])
  t.ok((await stat(join(dir, file))).size > 100_000, 'a full snapshot of a real heap')
  const scrape = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer heap-token' } })
  t.equal(scrape.status, 200, 'the app still answers after the snapshot')

  child.stdin.end()
  const [code] = await once(child, 'exit') as [number]
  t.equal(code, 0, 'and closes cleanly')
})
