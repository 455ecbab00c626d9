import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// Since libuv 1.45 (Node 20) a listening socket accepts one connection per turn of the event loop
// (libuv#3696): a probe's fresh connection to the app's port waits behind every connection queued
// before it. The probe listener's socket has a queue of its own and is accepted in the first turn.
// Deterministic: the app is stopped (SIGSTOP) while the kernel queues the connections, then resumed;
// what is asserted is an order of answers, never a duration.

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const WAITING = 64

function stopped (pid: number): boolean {
  // /proc/<pid>/stat: "pid (comm) state ..."; T is stopped.
  return / T /.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, ''))
}

async function start (t: Test, probePort: 'own' | 'app'): Promise<{ child: ChildProcess, appPort: number, probePort: number }> {
  const child = spawn(process.execPath, [join(packageDir, 'test/fixtures/probe-app.mjs')], {
    cwd: packageDir,
    env: { ...process.env, PROBE_PORT: probePort },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  t.teardown(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    child.kill('SIGCONT')
    child.kill('SIGKILL')
    await exited
  })
  const [ports] = await once(child, 'message') as [{ appPort: number, probePort: number }]
  return { child, ...ports }
}

/** Connects and sends one request; resolves on connect; `answered` resolves with the first bytes back. */
async function send (port: number, path: string): Promise<{ socket: Socket, answered: Promise<string> }> {
  const socket = connect(port, '127.0.0.1')
  socket.setEncoding('utf8')
  const answered = once(socket, 'data').then(([chunk]) => chunk as string)
  await once(socket, 'connect')
  socket.write(`GET ${path} HTTP/1.1\r\nhost: app\r\nconnection: close\r\n\r\n`)
  return { socket, answered }
}

/** How many of the app's queued requests were answered before the probe was. */
async function answeredBeforeTheProbe (t: Test, where: 'own' | 'app'): Promise<{ before: number, status: string }> {
  const { child, appPort, probePort } = await start(t, where)
  const pid = child.pid as number
  child.kill('SIGSTOP')
  while (!stopped(pid)) await new Promise((resolve) => { setImmediate(resolve) })

  let answered = 0
  const requests: Array<Awaited<ReturnType<typeof send>>> = []
  // Accepted by the kernel while the app is stopped: they wait in the app's accept queue.
  for (let i = 0; i < WAITING; i++) requests.push(await send(appPort, '/work'))
  for (const { answered: done } of requests) done.then(() => { answered++ }, () => {})
  const probe = await send(probePort, '/health/live') // the last connection in
  t.teardown(() => { for (const { socket } of [...requests, probe]) socket.destroy() })

  child.kill('SIGCONT')
  const first = await probe.answered
  const before = answered
  await Promise.all(requests.map((r) => r.answered))
  t.equal(answered, WAITING, 'every queued request was answered in the end')
  return { before, status: first.split('\r\n')[0] as string }
}

t.test('on its own port, a probe is answered while the app\'s accept queue still holds many connections', { skip: process.platform === 'linux' ? false : 'reads /proc to see the app stopped; Linux only' }, async (t) => {
  const { before, status } = await answeredBeforeTheProbe(t, 'own')
  t.equal(status, 'HTTP/1.1 200 OK')
  t.ok(before < WAITING / 2, `answered after ${before} of the ${WAITING} queued requests`)
})

t.test('control: on the app\'s port, the same probe waits behind the queued connections', { skip: process.platform === 'linux' ? false : 'Linux only' }, async (t) => {
  const { before, status } = await answeredBeforeTheProbe(t, 'app')
  t.equal(status, 'HTTP/1.1 200 OK')
  t.ok(before >= WAITING / 2, `answered after ${before} of the ${WAITING} queued requests`)
})
