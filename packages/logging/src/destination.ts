import { writeSync } from 'node:fs'

// pino's default destination writes every line with an asynchronous fs.write: a round trip through
// libuv's thread pool per line (~2.5 µs of CPU on Node 20), and sonic-boom measures the byte length
// of its whole pending buffer on every write, so its minLength buffering costs as much. Here a line
// is encoded into one buffer, and the buffer goes out in one synchronous write when the event-loop
// turn ends: under load one syscall carries the lines of many requests; when idle a line waits for
// the end of its turn at most.

const BUFFER_BYTES = 64 * 1024
// PIPE_BUF on Linux: a write of at most this many bytes to a pipe lands whole, never interleaved with
// another process's. Cluster workers share the primary's stdout pipe, and once any process on it has
// touched process.stdout the pipe is non-blocking for all of them, so a larger write may go out in
// parts with another worker's lines between. Each write(2) is therefore whole lines, at most this
// many bytes, unless one line alone is longer.
const ATOMIC_BYTES = 4096
const NEWLINE = 0x0a
// A UTF-16 code unit never takes more than 3 bytes in UTF-8.
const MAX_BYTES_PER_UNIT = 3
// A pipe whose reader is behind (fd set non-blocking by libuv) answers EAGAIN: wait, then retry,
// as pino's synchronous destination does. Log lines are not dropped for a slow reader.
const EAGAIN_WAIT_MS = 10
const sleepCell = new Int32Array(new SharedArrayBuffer(4))

/** A pino destination that writes once per event-loop turn. */
export interface TurnBatchedDestination {
  write: (line: string) => void
  /** Writes what is pending now, synchronously (pino's `logger.flush()` calls flush()). */
  flushSync: () => void
  flush: (callback?: (err?: Error) => void) => void
}

type Write = (fd: number, buffer: Uint8Array, offset: number, length: number) => number

class Batched implements TurnBatchedDestination {
  readonly #fd: number
  readonly #write: Write
  readonly #buffer = Buffer.allocUnsafe(BUFFER_BYTES)
  #length = 0
  #scheduled = false
  #broken = false

  constructor (fd: number, write: Write) {
    this.#fd = fd
    this.#write = write
  }

  write (line: string): void {
    if (this.#broken) return
    const worstCase = line.length * MAX_BYTES_PER_UNIT
    if (this.#length + worstCase > BUFFER_BYTES) {
      this.flushSync()
      if (worstCase > BUFFER_BYTES) {
        const bytes = Buffer.from(line)
        this.#writeAll(bytes, 0, bytes.length)
        return
      }
    }
    this.#length += this.#buffer.write(line, this.#length)
    if (!this.#scheduled) {
      this.#scheduled = true
      setImmediate(this.#endOfTurn)
    }
  }

  readonly #endOfTurn = (): void => {
    this.#scheduled = false
    this.flushSync()
  }

  flushSync (): void {
    const length = this.#length
    if (length === 0) return
    this.#length = 0
    const buffer = this.#buffer
    let start = 0
    while (start < length) {
      let end = length
      if (length - start > ATOMIC_BYTES) {
        const lastNewline = buffer.lastIndexOf(NEWLINE, start + ATOMIC_BYTES - 1)
        if (lastNewline >= start) {
          end = lastNewline + 1
        } else {
          // One line longer than ATOMIC_BYTES: it goes out alone (or all that is left, unterminated).
          const next = buffer.subarray(start, length).indexOf(NEWLINE)
          end = next === -1 ? length : start + next + 1
        }
      }
      this.#writeAll(buffer, start, end)
      start = end
    }
  }

  flush (callback?: (err?: Error) => void): void {
    this.flushSync()
    if (callback !== undefined) process.nextTick(callback)
  }

  #writeAll (bytes: Uint8Array, start: number, end: number): void {
    let offset = start
    while (offset < end && !this.#broken) {
      try {
        offset += this.#write(this.#fd, bytes, offset, end - offset)
      } catch (err) {
        this.#failed(err as NodeJS.ErrnoException)
      }
    }
  }

  #failed (err: NodeJS.ErrnoException): void {
    if (err.code === 'EAGAIN') {
      Atomics.wait(sleepCell, 0, 0, EAGAIN_WAIT_MS)
      return
    }
    // The reader is gone (`| head`, a closed pipe) or the descriptor is: nothing later can be
    // written either. A broken pipe is an ordinary end; anything else is said once on stderr.
    this.#broken = true
    if (err.code !== 'EPIPE') {
      process.emitWarning(`log lines can no longer be written to file descriptor ${this.#fd} (${String(err.code)}); later lines are dropped`, { code: 'FP_WARN_LOGGING_WRITE' })
    }
  }
}

const destinations: Batched[] = []

// Lines of the last turn are written when the process exits: process.exit(), an uncaught
// exception, the end of the event loop. A SIGKILL loses at most the current turn's lines.
function flushAll (): void {
  for (const destination of destinations) destination.flushSync()
}

/** Internal: a batched destination on any descriptor, with the write call a test may wrap. */
export function batchedDestination (fd: number, write: Write = writeSync): TurnBatchedDestination {
  const destination = new Batched(fd, write)
  if (destinations.length === 0) process.on('exit', flushAll)
  destinations.push(destination)
  return destination
}

let stdout: TurnBatchedDestination | undefined

/**
 * The process's stdout as a pino destination, written once per event-loop turn. One per process,
 * shared by every logger built with loggerOptions() without a `stream`, so their lines stay in order.
 */
export function stdoutDestination (): TurnBatchedDestination {
  stdout ??= batchedDestination(1)
  return stdout
}
