import { createWriteStream } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import { getHeapSnapshot } from 'node:v8'

export type SnapshotResult = { status: 201, file: string } | { status: 409 } | { status: 500, error: unknown }

/**
 * Writes heap snapshots to `dir`, one at a time. `v8.getHeapSnapshot()` rather than
 * `writeHeapSnapshot()`: the snapshot is taken synchronously either way, but streaming it to disk lets
 * the app answer (409 to a second request, probes, scrapes) while the file, often hundreds of MB, is written.
 */
export class HeapSnapshots {
  private running: Promise<SnapshotResult> | undefined
  private taken = 0

  constructor (private readonly dir: string, private readonly snapshot: () => Readable = getHeapSnapshot) {}

  take (): Promise<SnapshotResult> {
    if (this.running !== undefined) return Promise.resolve({ status: 409 })
    const file = `heap-${process.pid}-${new Date().toISOString().replace(/[:.]/g, '-')}-${++this.taken}.heapsnapshot`
    this.running = this.write(file).finally(() => { this.running = undefined })
    return this.running
  }

  private async write (file: string): Promise<SnapshotResult> {
    try {
      await mkdir(this.dir, { recursive: true })
      await pipeline(this.snapshot(), createWriteStream(join(this.dir, file), { flags: 'wx', mode: 0o600 }))
      return { status: 201, file }
    } catch (error) {
      return { status: 500, error }
    }
  }

  /** Resolves once no snapshot is being written (close waits for it: a half-written file is useless). */
  async idle (): Promise<void> {
    await this.running
  }
}
