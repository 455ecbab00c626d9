import type { FastifyInstance } from 'fastify'

/** What `start()` returns, wherever it runs. */
export interface ClusterHandle {
  /** `primary`: the supervising process; `worker`: a forked worker; `single`: the app runs in this process (`workers: 1`). */
  readonly role: 'primary' | 'worker' | 'single'
  /** The listening app in a worker or in `single` mode; `undefined` in the primary. */
  readonly app: FastifyInstance | undefined
  /** Rolling restart of every worker, one at a time (what SIGUSR2 does). From a worker it asks the primary. In `single` mode it only logs a warning. */
  reload: () => Promise<void>
  /** Graceful stop of every worker (what SIGTERM does, without exiting the process); resolves with the exit code. From a worker it asks the primary. */
  close: () => Promise<number>
}
