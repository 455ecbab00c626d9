import t from 'tap'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { userNodeEnv } from '@fastify-production/test-support'
import { batchedDestination } from '../src/destination.js'
import { stdoutDestination } from '../src/index.js'

const endOfTurn = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

function tempFile (t: { testdir: () => string }): { file: string, fd: number } {
  const file = path.join(t.testdir(), 'out.log')
  return { file, fd: openSync(file, 'w') }
}

// A descriptor written through the real writeSync, with the calls counted.
function counted (): { write: typeof writeSync, calls: () => number } {
  let calls = 0
  const write = ((...args: Parameters<typeof writeSync>) => { calls++; return writeSync(...args) }) as typeof writeSync
  return { write, calls: () => calls }
}

t.test('the lines of one event-loop turn go out in one write when the turn ends, in order', async (t) => {
  const { file, fd } = tempFile(t)
  t.teardown(() => closeSync(fd))
  const spy = counted()
  const destination = batchedDestination(fd, spy.write)
  destination.write('{"n":1}\n')
  destination.write('{"n":2}\n')
  destination.write('{"n":3}\n')
  t.equal(readFileSync(file, 'utf8'), '', 'nothing is written during the turn')
  await endOfTurn()
  t.equal(readFileSync(file, 'utf8'), '{"n":1}\n{"n":2}\n{"n":3}\n')
  t.equal(spy.calls(), 1, 'one write for the three lines')
  destination.write('{"n":4}\n')
  await endOfTurn()
  t.equal(readFileSync(file, 'utf8').split('\n').length, 5, 'a later turn is written in its own write')
  t.equal(spy.calls(), 2)
})

t.test('a line longer than the buffer is written whole, after the lines before it', async (t) => {
  const { file, fd } = tempFile(t)
  t.teardown(() => closeSync(fd))
  const destination = batchedDestination(fd)
  const long = `{"big":"${'x'.repeat(100_000)}"}\n`
  destination.write('{"n":1}\n')
  destination.write(long)
  destination.write('{"n":2}\n')
  t.equal(readFileSync(file, 'utf8'), '{"n":1}\n' + long, 'pending lines first, then the long one, at once')
  await endOfTurn()
  t.equal(readFileSync(file, 'utf8'), '{"n":1}\n' + long + '{"n":2}\n')
})

t.test('each write is whole lines of at most 4 KiB, unless one line alone is longer', async (t) => {
  const { file, fd } = tempFile(t)
  t.teardown(() => closeSync(fd))
  const sizes: number[] = []
  const destination = batchedDestination(fd, (fd, buffer, offset, length) => {
    sizes.push(length)
    return writeSync(fd, buffer, offset, length)
  })
  const short = `${'s'.repeat(999)}\n`
  const long = `${'l'.repeat(9999)}\n`
  const written = [short, short, short, short, short, long, short, 'unterminated '.repeat(500)]
  for (const piece of written) destination.write(piece)
  await endOfTurn()
  t.equal(readFileSync(file, 'utf8'), written.join(''), 'everything, in order')
  t.same(sizes, [4000, 1000, 10000, 1000, 6500], 'four short lines, one, the long line alone, one, the unterminated rest')
})

t.test('multi-byte characters survive when a turn fills the buffer several times', async (t) => {
  const { file, fd } = tempFile(t)
  t.teardown(() => closeSync(fd))
  const destination = batchedDestination(fd)
  const lines = Array.from({ length: 200 }, (_, i) => `{"i":${i},"s":"${'é€😀'.repeat(150)}"}\n`)
  for (const line of lines) destination.write(line)
  await endOfTurn()
  t.equal(readFileSync(file, 'utf8'), lines.join(''))
})

t.test('flush() and flushSync() write what is pending now', async (t) => {
  const { file, fd } = tempFile(t)
  t.teardown(() => closeSync(fd))
  const destination = batchedDestination(fd)
  destination.write('a\n')
  destination.flushSync()
  t.equal(readFileSync(file, 'utf8'), 'a\n')
  destination.flushSync()
  destination.write('b\n')
  await new Promise<void>((resolve) => destination.flush(() => resolve()))
  t.equal(readFileSync(file, 'utf8'), 'a\nb\n')
  destination.write('c\n')
  destination.flush()
  t.equal(readFileSync(file, 'utf8'), 'a\nb\nc\n', 'without a callback too')
})

t.test('a pipe whose reader is behind (EAGAIN) is waited for: no line is lost', async (t) => {
  const dir = t.testdir()
  const fifo = path.join(dir, 'fifo')
  execFileSync('mkfifo', [fifo])
  // Non-blocking, as libuv leaves a pipe on stdout; read-write, so opening does not wait for a reader.
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK)
  // The reader starts late; the pipe (64 KiB) fills long before.
  const reader = spawn('sh', ['-c', 'sleep 0.3; wc -c < "$0"', fifo], { stdio: ['ignore', 'pipe', 'inherit'] })
  let counted = ''
  reader.stdout.setEncoding('utf8').on('data', (chunk: string) => { counted += chunk })
  const destination = batchedDestination(fd)
  const line = `{"s":"${'y'.repeat(30_000)}"}\n`
  for (let i = 0; i < 10; i++) destination.write(line)
  destination.flushSync()
  closeSync(fd)
  await once(reader, 'exit')
  t.equal(Number(counted.trim()), line.length * 10, 'every byte reached the reader')
})

t.test('a reader that went away (EPIPE) ends the writing quietly', async (t) => {
  const dir = t.testdir()
  const fifo = path.join(dir, 'fifo')
  execFileSync('mkfifo', [fifo])
  const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
  const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
  closeSync(readFd)
  t.teardown(() => closeSync(fd))
  const warnings: Error[] = []
  const onWarning = (w: Error): void => { warnings.push(w) }
  process.on('warning', onWarning)
  t.teardown(() => process.off('warning', onWarning))
  const spy = counted()
  const destination = batchedDestination(fd, spy.write)
  destination.write('a\n')
  t.doesNotThrow(() => destination.flushSync())
  destination.write('b\n')
  destination.flushSync()
  await endOfTurn()
  t.equal(spy.calls(), 1, 'no write is tried after the broken pipe')
  t.same(warnings, [], 'a broken pipe is an ordinary end: no warning')
})

t.test('any other write error is reported once as FP_WARN_LOGGING_WRITE, and the app goes on', async (t) => {
  const warnings: Array<Error & { code?: string }> = []
  const onWarning = (w: Error): void => { warnings.push(w) }
  process.on('warning', onWarning)
  t.teardown(() => process.off('warning', onWarning))
  // A descriptor number no process has open.
  const destination = batchedDestination(2 ** 20)
  destination.write('a\n')
  t.doesNotThrow(() => destination.flushSync())
  destination.write('b\n')
  destination.flushSync()
  // Warnings are emitted on the next tick.
  await endOfTurn()
  const ours = warnings.filter((w) => w.code === 'FP_WARN_LOGGING_WRITE')
  t.equal(ours.length, 1, 'said once')
  t.match(ours[0]?.message, /EBADF/)
})

t.test('lines of the last turn are written when the process ends: process.exit(), an uncaught exception, the end', async (t) => {
  const fixture = fileURLToPath(new URL('fixtures/last-words.mjs', import.meta.url))
  for (const [how, status] of [['exit', 3], ['throw', 1], ['end', 0]] as const) {
    const run = spawnSync(process.execPath, [fixture, how], { env: userNodeEnv(), encoding: 'utf8', cwd: tmpdir() })
    t.equal(run.status, status, `${how}: exit status`)
    t.match(JSON.parse(run.stdout.trim()), { how, msg: 'last words' }, `${how}: the line was written`)
  }
})

t.test('stdoutDestination() is one per process', async (t) => {
  t.equal(stdoutDestination(), stdoutDestination())
  t.type(stdoutDestination().flushSync, 'function')
})

t.test('processes sharing one pipe (cluster workers on stdout) never tear each other\'s lines', async (t) => {
  const fixture = fileURLToPath(new URL('fixtures/many-lines.mjs', import.meta.url))
  const writers = 4
  const lines = 3000
  // The writers inherit the shell's stdout: one pipe, read by this process, slower than they write.
  const shell = spawn('sh', ['-c', `for i in $(seq ${writers}); do "$0" "$1" ${lines} & done; wait`, process.execPath, fixture], { env: userNodeEnv(), stdio: ['ignore', 'pipe', 'inherit'] })
  const chunks: Buffer[] = []
  const ended = once(shell.stdout, 'end')
  shell.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    shell.stdout.pause()
    setTimeout(() => shell.stdout.resume(), 1)
  })
  await ended
  const received = Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l !== '')
  let torn = 0
  const perProcess = new Map<number, number>()
  for (const line of received) {
    try {
      const { pid } = JSON.parse(line) as { pid: number }
      perProcess.set(pid, (perProcess.get(pid) ?? 0) + 1)
    } catch {
      torn++
    }
  }
  t.equal(torn, 0, 'every line is whole JSON')
  t.same([...perProcess.values()], Array(writers).fill(lines), 'every line of every writer arrived')
})
