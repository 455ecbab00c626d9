import t from 'tap'
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@fastify-production/test-support/free-port'

const server = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'server.js')

t.test('server.js listens on HOST:PORT and answers an unknown order with a 404 problem', async (t) => {
  const port = await freePort()
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_OPTIONS: '' }
  delete env.DATABASE_URL
  delete env.NODE_V8_COVERAGE
  const child = fork(server, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  t.teardown(() => { child.kill('SIGKILL') })
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('Server listening')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${String(code)}: ${out}`)))
  })
  const res = await fetch(`http://127.0.0.1:${port}/orders/nope`)
  t.equal(res.status, 404)
  t.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8')
  const body = await res.json() as { code: string, requestId: string }
  t.equal(body.code, 'ORDER_NOT_FOUND')
  t.match(body.requestId, /\S/, 'a request id is in the body')
  child.kill('SIGTERM')
  await once(child, 'exit')
})
