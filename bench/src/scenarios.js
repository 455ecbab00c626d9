// The run order of one round. `package` names the workspace package a scenario needs built;
// `budget` is the extra server CPU per request over bare Fastify that package is allowed (issue 3).
export const scenarios = [
  { name: 'node-http', label: 'node:http' },
  { name: 'fastify-bare', label: 'bare Fastify' },
  { name: 'fastify-bare-control', label: 'bare Fastify again (control)' },
  { name: 'fastify-logging', label: 'Fastify + default pino request logging' },
  { name: 'fp-errors', label: 'Fastify + errors', package: '@fastify-production/errors', budget: 0 },
  { name: 'fp-config', label: 'Fastify + config', package: '@fastify-production/config', budget: 0 },
  { name: 'fp-logging', label: 'Fastify + logging', package: '@fastify-production/logging', budget: 5 },
  { name: 'fp-metrics', label: 'Fastify + metrics', package: '@fastify-production/metrics', budget: 1.5 },
  { name: 'fp-health', label: 'Fastify + health', package: '@fastify-production/health', budget: 0.5 },
  { name: 'fp-security', label: 'Fastify + security', package: '@fastify-production/security', budget: 6 },
  { name: 'fp-security-headers', label: 'Fastify + security headers only', package: '@fastify-production/security', budget: 3 },
  { name: 'fp-security-slow-down', label: 'Fastify + security rate limit with slow-down only', package: '@fastify-production/security', budget: 2 },
  { name: 'fp-security-input-guard', label: 'Fastify + security input guard (query checked) only', package: '@fastify-production/security', budget: 0.5 },
  { name: 'fp-shutdown', label: 'Fastify + shutdown', package: '@fastify-production/shutdown' },
  { name: 'fp-dependencies', label: 'Fastify + dependencies (one upstream declared, not called)', package: '@fastify-production/dependencies', budget: 0 },
  { name: 'fp-compression', label: 'Fastify + compression (on, body below threshold)', package: '@fastify-production/compression', budget: 2 },
  { name: 'fp-tasks', label: 'Fastify + tasks (pool registered, route runs no task)', package: '@fastify-production/tasks', budget: 0 },
  { name: 'fastify-production', label: 'fastify-production (defaults)', package: 'fastify-production' },
  { name: 'fastify-stock', label: 'Fastify + helmet, cors, rate-limit, under-pressure, fastify-metrics, pino + uuid' },
  { name: 'express-stock', label: 'Express + helmet, cors, express-rate-limit, prom-client, pino-http' }
]

export const BASELINE = 'fastify-bare'
// The same server as the baseline: its extra CPU is the run's noise between identical processes.
export const CONTROL = 'fastify-bare-control'

// The suite with its defaults, and its goal (issue 19): ≥ 0.6× bare Fastify by CPU per request.
export const PRODUCTION = 'fastify-production'
export const PRODUCTION_GOAL = 0.6

export const byName = new Map(scenarios.map((s) => [s.name, s]))

// Scenario files only the overload run boots (src/overload.js), never a row of the throughput table.
export const overloadOnly = [
  { name: 'fastify-production-cluster', label: 'fastify-production in one node:cluster worker, probes on their own port', package: 'fastify-production' }
]
export const bootable = new Map([...scenarios, ...overloadOnly].map((s) => [s.name, s]))
