import type { FastifyInstance } from 'fastify'
import { find, MetricsCap } from '@fastify-production/core'
import type { TaskPool } from './pool.js'

/** Seconds: CPU tasks run longer than API requests, so the buckets reach 30 s. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Task durations, queue depth, tasks in flight and refusals in /metrics, when the metrics package is there. */
export function observe (fastify: FastifyInstance, pool: TaskPool): void {
  const metrics = find(fastify, MetricsCap)
  if (metrics === undefined) return
  const duration = metrics.histogram({
    name: 'tasks_duration_seconds',
    help: 'Time from runTask to its result, queue wait included, by task and outcome (ok, error, timeout, aborted, closed)',
    labelNames: ['task', 'outcome'],
    buckets: BUCKETS
  })
  const rejected = metrics.counter({
    name: 'tasks_rejected_total',
    help: 'Tasks refused with 503, by reason (queue_full, closed)',
    labelNames: ['reason']
  })
  metrics.gauge({
    name: 'tasks_queue_depth',
    help: 'Tasks waiting for a worker thread',
    labelNames: [],
    collect: (set) => { set({}, pool.queued) }
  })
  metrics.gauge({
    name: 'tasks_in_flight',
    help: 'Tasks accepted and not finished, running or queued',
    labelNames: [],
    collect: (set) => { set({}, pool.pending) }
  })
  pool.observer = {
    settled: (task, outcome, seconds) => { duration.observe({ task, outcome }, seconds) },
    rejected: (reason) => { rejected.inc({ reason }) }
  }
}
