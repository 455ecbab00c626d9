export { defineCapability, provide, find, type Capability } from './capability.js'
export {
  MetricsCap,
  LoggingCap,
  ShutdownCap,
  HealthCap,
  type MetricsCapability,
  type HealthCapability,
  type HealthCheck,
  type HistogramLike,
  type GaugeLike,
  type WorkerMetrics,
  type LoggingCapability,
  type ShutdownCapability,
  type CounterLike
} from './capabilities.js'
export { Lifecycle, lifecycle, findLifecycle, type LifecycleState, type LifecycleListener } from './lifecycle.js'
export { ProblemWriter, problems, pathOf, ProblemDetails, ValidationIssue, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js'
export { optionsError, firstViolation, assertOptions } from './options.js'
export { processMonitor, DEFAULT_SAMPLE_INTERVAL, type ProcessSample, type ProcessSampleListener } from './process-monitor.js'
export { bearerCheck } from './bearer.js'
export { readTrustProxy, trustsEveryProxy } from './trust-proxy.js'
export { drain } from './drain.js'
export { listen, closeListener, type ListenError } from './side-listener.js'
export { installProcessListeners, isSuiteListener, type ProcessListener } from './process-listeners.js'
export { codes } from './errors.js'
export { productionConfig, operationalRouteConfig, routeConfigReader, type RouteConfig, type ProductionRouteConfig, type RouteRateLimit, type RouteInputGuard } from './route-config.js'
export { resetByClient } from './abandoned.js'
