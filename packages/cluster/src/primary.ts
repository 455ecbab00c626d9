import cluster, { type Worker } from 'node:cluster'
import { installProcessListeners } from '@fastify-production/core'
import { restartDelay } from './backoff.js'
import { deferred, within } from './deferred.js'
import type { Log } from './log.js'
import { MemoryWatch } from './memory-watch.js'
import { isOurs, TAG, type BootError, type ToPrimary, type ToWorker, type WorkerMetrics } from './messages.js'
import { startMetricsServer, clusterMetrics, type MetricsServer } from './metrics-server.js'
import type { ResolvedClusterOptions } from './options.js'
import { RestartWindow } from './restart-window.js'

/** Set in every worker's environment: tells `start()` it runs in one of our workers, not in one of PM2's. */
export const WORKER_ENV = 'FP_CLUSTER_PRIMARY_PID'

interface Member {
  readonly worker: Worker
  readonly pid: number
  /** 0 to workers - 1: the `worker` label of its per-worker metrics; a replacement takes the slot of the worker it replaces. */
  readonly slot: number
  readonly memory: MemoryWatch | undefined
  readonly ready: ReturnType<typeof deferred<void>>
  readonly exited: ReturnType<typeof deferred<void>>
  isReady: boolean
  /** Told to stop or retire: its exit is no crash. */
  expected: boolean
  /** Forked by a rolling replacement and not ready yet: if it dies, nothing is restarted in its place. */
  surge: boolean
  /** Already queued for replacement because of its memory. */
  replacing: boolean
  /** Its metrics requests still waiting for an answer, by request id. */
  readonly pending: Map<number, (metrics: unknown[] | null) => void>
  killTimer: NodeJS.Timeout | undefined
}

const noop = (): void => {}
/** A stop signal this soon after the first is the same one delivered twice, not a request to force. */
const SAME_SIGNAL_MS = 1000

/** The supervising process: forks, restarts with backoff, detects crash loops, rolls reloads, stops on signals. */
export class Primary {
  readonly #opts: ResolvedClusterOptions
  readonly #log: Log
  readonly #exit: (code: number) => void
  readonly #members = new Map<number, Member>()
  readonly #window: RestartWindow
  readonly #timers = new Set<NodeJS.Timeout>()
  readonly #signals: Array<[NodeJS.Signals, () => void]>
  #uninstallSignals: (() => void) | undefined
  #nextRequest = 0
  #queue: Promise<void> = Promise.resolve()
  #stopping: Promise<number> | undefined
  #clean = true
  #restarts = 0
  #announced = false
  #metrics: MetricsServer | undefined
  #signalledAt: number | undefined
  /** Some worker was ready once: a worker failing to start from then on is restarted, not a failed boot. */
  #booted = false
  #bootFailure: Promise<void> | undefined

  constructor (opts: ResolvedClusterOptions, log: Log, exit: (code: number) => void = (code) => process.exit(code)) {
    this.#opts = opts
    this.#log = log
    this.#exit = exit
    this.#window = new RestartWindow(opts.maxRestarts, opts.restartWindow)
    const onStop = (signal: NodeJS.Signals) => () => { this.#onStopSignal(signal) }
    this.#signals = [
      ['SIGTERM', onStop('SIGTERM')],
      ['SIGINT', onStop('SIGINT')],
      ['SIGUSR2', () => { this.reload().catch(noop) }]
    ]
  }

  /** Workers alive: starting, serving or draining. */
  get alive (): number {
    return this.#members.size
  }

  /** Restarts after unexpected exits since start. */
  get restarts (): number {
    return this.#restarts
  }

  async start (): Promise<void> {
    const self = this
    const { metricsPort, metricsHost } = this.#opts
    if (metricsPort !== undefined) {
      this.#metrics = await startMetricsServer({
        get alive () { return self.alive },
        get restarts () { return self.restarts },
        collect: async () => await this.#collectMetrics()
      }, { metricsPort, metricsHost }, this.#log)
    }
    this.#uninstallSignals = installProcessListeners(this.#signals)
    const { workers, port, host } = this.#opts
    this.#log.info({ workers, port, host }, `primary: starting ${workers} workers on ${host}:${port}`)
    for (let slot = 0; slot < workers; slot++) this.#fork(false, slot)
  }

  /** Rolling restart, one worker at a time; calls queue up behind each other. */
  async reload (): Promise<void> {
    await this.#enqueue(async () => { await this.#rollAll() })
  }

  /** Stops every worker gracefully; resolves with 0 if all exited 0, else 1. */
  async close (): Promise<number> {
    return await this.#stop(0)
  }

  #enqueue (task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task)
    this.#queue = run.catch(noop)
    return run
  }

  #fork (surge: boolean, slot: number): Member {
    const worker = cluster.fork({ [WORKER_ENV]: String(process.pid) })
    const member: Member = {
      worker,
      pid: worker.process.pid as number,
      slot,
      memory: this.#opts.maxMemoryMb === undefined ? undefined : new MemoryWatch(this.#opts.maxMemoryMb, this.#opts.memorySamples),
      ready: deferred<void>(),
      exited: deferred<void>(),
      isReady: false,
      expected: false,
      surge,
      replacing: false,
      pending: new Map(),
      killTimer: undefined
    }
    // Only a reload awaits readiness; for the others an exit before ready is handled in #onExit.
    member.ready.promise.catch(noop)
    this.#members.set(worker.id, member)
    worker.on('message', (message: unknown) => { this.#onMessage(member, message) })
    worker.on('exit', (code: number | null, signal: NodeJS.Signals | null) => { this.#onExit(member, code, signal) })
    // A failed spawn or IPC write: without a listener it would crash the primary.
    worker.on('error', (err: Error) => { this.#log.error({ err, worker: member.pid }, `worker ${member.pid}: ${err.message}`) })
    return member
  }

  #onMessage (member: Member, message: unknown): void {
    if (!isOurs<ToPrimary>(message)) return
    switch (message[TAG]) {
      case 'ready':
        this.#onReady(member)
        break
      case 'rss':
        this.#onRss(member, message.rss)
        break
      case 'metrics':
        member.pending.get(message.id)?.(message.metrics)
        break
      case 'collect':
        this.#onCollect(member, message.id)
        break
      case 'failed':
        this.#onBootFailure(member, message.error)
        break
      case 'reload':
        this.reload().catch(noop)
        break
      case 'close':
        this.close()
        break
    }
  }

  #onReady (member: Member): void {
    this.#booted = true
    member.isReady = true
    member.ready.resolve()
    this.#log.info({ worker: member.pid }, `worker ${member.pid} ready`)
    if (!this.#announced && this.#members.size === this.#opts.workers && [...this.#members.values()].every((m) => m.isReady)) {
      this.#announced = true
      this.#log.info({ workers: this.#opts.workers }, `primary: all ${this.#opts.workers} workers ready`)
    }
  }

  #onRss (member: Member, rss: number): void {
    if (member.memory === undefined || member.expected || member.replacing || this.#stopping !== undefined) return
    if (!member.memory.sample(rss)) return
    member.replacing = true
    const rssMb = Math.round(rss / 1024 / 1024)
    this.#log.warn(
      { worker: member.pid, rssMb, maxMemoryMb: this.#opts.maxMemoryMb, samples: this.#opts.memorySamples },
      `worker ${member.pid} RSS ${rssMb} MiB above maxMemoryMb (${this.#opts.maxMemoryMb}) for ${this.#opts.memorySamples} samples; replacing it`
    )
    this.#enqueue(async () => {
      if (this.#members.has(member.worker.id) && !member.expected && this.#stopping === undefined) await this.#replace(member)
    }).catch(noop)
  }

  #onExit (member: Member, code: number | null, signal: NodeJS.Signals | null): void {
    this.#members.delete(member.worker.id)
    clearTimeout(member.killTimer)
    member.ready.reject(new Error(`worker ${member.pid} exited (code ${code}, signal ${signal}) before it was ready`))
    member.exited.resolve()
    for (const done of member.pending.values()) done(null)
    const how = { worker: member.pid, code, signal }

    if (member.expected || this.#stopping !== undefined) {
      // A worker stopped while still starting dies of the SIGTERM it was sent; that is what was asked.
      const clean = code === 0 || (signal === 'SIGTERM' && !member.isReady)
      if (this.#stopping !== undefined && !clean) this.#clean = false
      this.#log[clean ? 'info' : 'warn'](how, `worker ${member.pid} exited (code ${code}, signal ${signal})`)
      return
    }

    this.#restarts++
    const count = this.#window.record(Date.now())
    if (this.#window.exceeded(count)) {
      const { maxRestarts, restartWindow } = this.#opts
      this.#log.fatal({ ...how, restarts: count, maxRestarts, restartWindow },
        `crash loop: ${count} restarts within ${restartWindow} ms (maxRestarts ${maxRestarts}); no more forks, stopping the other workers, exit 1`)
      this.#stop(1).then(this.#exit)
      return
    }
    if (member.surge) {
      this.#log.error(how, `new worker ${member.pid} exited before it was ready (code ${code}, signal ${signal})`)
      return
    }
    const delay = restartDelay(count, this.#opts.restartDelay, this.#opts.maxRestartDelay)
    this.#log.error({ ...how, restartIn: delay, restarts: count },
      `worker ${member.pid} died (code ${code}, signal ${signal}); restarting in ${delay} ms (${count} of ${this.#opts.maxRestarts} allowed in ${this.#opts.restartWindow} ms)`)
    const timer = setTimeout(() => {
      this.#timers.delete(timer)
      this.#fork(false, member.slot)
    }, delay)
    this.#timers.add(timer)
  }

  /** `stop`: shut down now; `retire`: stop accepting, drain keep-alive connections, then shut down. */
  async #stopMember (member: Member, how: ToWorker[typeof TAG] & ('stop' | 'retire')): Promise<void> {
    member.expected = true
    if (member.isReady && member.worker.isConnected()) {
      member.worker.send({ [TAG]: how } satisfies ToWorker, undefined, {}, noop)
    } else {
      // Not listening yet (its message handler may not exist): the signal itself does it.
      member.worker.process.kill('SIGTERM')
    }
    const bound = this.#opts.killTimeout + (how === 'retire' ? this.#opts.drainTimeout : 0)
    member.killTimer = setTimeout(() => {
      this.#log.error({ worker: member.pid, killTimeout: bound }, `worker ${member.pid} still running ${bound} ms after being told to stop; SIGKILL`)
      member.worker.process.kill('SIGKILL')
    }, bound)
    await member.exited.promise
  }

  async #rollAll (): Promise<void> {
    const current = [...this.#members.values()].filter((m) => !m.expected && !m.surge)
    this.#log.info({ workers: current.length, order: current.map((m) => m.pid) }, `reload: replacing ${current.length} workers one at a time`)
    for (const old of current) {
      if (this.#stopping !== undefined) return
      // Died meanwhile: its restart took care of it.
      if (!this.#members.has(old.worker.id)) continue
      await this.#replace(old)
    }
    this.#log.info({ workers: this.#members.size }, 'reload: done')
  }

  /** Fork a new worker, wait until it is ready, then retire the old one: capacity never drops. */
  async #replace (old: Member): Promise<void> {
    const fresh = this.#fork(true, old.slot)
    try {
      await within(fresh.ready.promise, this.#opts.readyTimeout, `worker ${fresh.pid} not ready within readyTimeout (${this.#opts.readyTimeout} ms)`)
    } catch (err) {
      this.#log.error({ err, worker: fresh.pid, kept: old.pid }, `reload: new worker ${fresh.pid} failed to become ready; keeping worker ${old.pid}, reload stopped`)
      if (this.#members.has(fresh.worker.id)) await this.#stopMember(fresh, 'stop')
      throw err
    }
    fresh.surge = false
    this.#log.info({ worker: fresh.pid, retiring: old.pid }, `reload: worker ${fresh.pid} ready; retiring worker ${old.pid}`)
    await this.#stopMember(old, 'retire')
  }

  async #stop (code: number): Promise<number> {
    this.#stopping ??= this.#stopAll(code)
    return await this.#stopping
  }

  async #stopAll (code: number): Promise<number> {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    this.#log.info({ workers: this.#members.size }, `primary: stopping ${this.#members.size} workers`)
    await Promise.all([...this.#members.values()].map(async (m) => { await (m.expected ? m.exited.promise : this.#stopMember(m, 'stop')) }))
    await this.#metrics?.close()
    this.#uninstallSignals?.()
    const exitCode = code !== 0 || !this.#clean ? 1 : 0
    this.#log.info({ exitCode }, `primary: every worker is gone; exit code ${exitCode}`)
    return exitCode
  }

  #onStopSignal (signal: NodeJS.Signals): void {
    // `timeout`, systemd and Ctrl-C deliver to the process and to its group: one request, twice.
    if (this.#signalledAt !== undefined && performance.now() - this.#signalledAt < SAME_SIGNAL_MS) return
    if (this.#stopping !== undefined) {
      this.#log.error({ signal }, `second ${signal}: killing every worker, exit 1`)
      for (const m of this.#members.values()) m.worker.process.kill('SIGKILL')
      this.#exit(1)
      return
    }
    this.#signalledAt = performance.now()
    this.#log.info({ signal }, `${signal}: stopping every worker gracefully`)
    this.#stop(0).then(this.#exit)
  }

  /** A scrape reached `member`: every worker's registry, and the cluster's own metrics, sent back to it. */
  #onCollect (member: Member, id: number): void {
    this.#collectMetrics().then((workers) => {
      const all: WorkerMetrics[] = [...workers, { worker: 'primary', metrics: clusterMetrics(this) }]
      // A worker gone meanwhile: the callback takes the closed-channel error.
      member.worker.send({ [TAG]: 'collected', id, workers: all } satisfies ToWorker, undefined, {}, noop)
    })
  }

  /**
   * A worker could not build or listen. Before any worker was ready this is the boot failing (bad
   * configuration, a database down, a plugin that throws): the same for every worker, so one fatal
   * line, every worker stopped, exit 1. Later it is a worker like any that died: logged, restarted.
   */
  #onBootFailure (member: Member, error: BootError): void {
    const fields = { worker: member.pid, code: error.code, err: error }
    if (this.#booted || member.surge) {
      this.#log.error(fields, `worker ${member.pid} failed to start: ${error.message}`)
      return
    }
    member.expected = true
    // Once: the other workers fail the same way (or are stopped by it).
    this.#bootFailure ??= this.#failBoot(fields, error.message)
  }

  async #failBoot (fields: Record<string, unknown>, message: string): Promise<void> {
    this.#log.fatal(fields, `the app failed to start: ${message}`)
    this.#exit(await this.#stop(1))
  }

  /** Each ready worker's registry (not a surge: its slot is still its predecessor's until that one retires). */
  async #collectMetrics (): Promise<WorkerMetrics[]> {
    const asked = [...this.#members.values()].filter((m) => m.isReady && !m.expected && !m.surge && m.worker.isConnected())
    const answers = await Promise.all(asked.map(async (m) => await new Promise<unknown[] | null>((resolve) => {
      const id = ++this.#nextRequest
      const timer = setTimeout(() => {
        this.#log.warn({ worker: m.pid, metricsTimeout: this.#opts.metricsTimeout }, `worker ${m.pid} sent no metrics within ${this.#opts.metricsTimeout} ms; left out`)
        done(null)
      }, this.#opts.metricsTimeout)
      const done = (metrics: unknown[] | null): void => {
        clearTimeout(timer)
        m.pending.delete(id)
        resolve(metrics)
      }
      m.pending.set(id, done)
      m.worker.send({ [TAG]: 'metrics', id } satisfies ToWorker, undefined, {}, noop)
    })))
    return answers.flatMap((metrics, i) => metrics === null ? [] : [{ worker: String((asked[i] as Member).slot), metrics }])
  }
}
