import Fastify from 'fastify'
import production, { serverOptions } from 'fastify-production'
import { RATE_LIMIT, listenFastify } from '../common.js'

// The umbrella with its defaults, as DESIGN.md §3 shows it; logs go to stdout (/dev/null under the
// harness). Two settings a production deployment must give anyway: a rate limit (here one no load
// can reach) and a /metrics token (NODE_ENV=production refuses an open /metrics).
export default async function start ({ port }) {
  const app = Fastify(serverOptions())
  const options = {
    security: { rateLimit: { ...RATE_LIMIT } },
    metrics: { token: 'bench-token' },
    // `--health '{"maxEventLoopDelay":200}'` tries other load-shedding settings (overload scenario);
    // `--health '{"port":0}'` serves the probes on a listener of their own, reported as `probePort`.
    ...(process.env.BENCH_HEALTH_OPTIONS ? { health: JSON.parse(process.env.BENCH_HEALTH_OPTIONS) } : {})
  }
  // src/ab-processes.js's `fastify-production+{"logging":false}`: the suite with a part left out
  // (`false`) or changed (merged over the options above, per package).
  for (const [key, value] of Object.entries(JSON.parse(process.env.BENCH_SUITE_OPTIONS ?? '{}'))) {
    options[key] = value === false || options[key] === undefined ? value : { ...options[key], ...value }
  }
  await app.register(production, options)
  const handle = await listenFastify(app, port)
  return { ...handle, probePort: app.health?.address?.port }
}
