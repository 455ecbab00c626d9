import { parseArgs } from 'node:util'
import { runDoctor } from './doctor/run.js'

const usage = `Usage: fastify-production doctor [options]

Runs the production guides' checklist. With --url it probes a running service over HTTP;
without, it checks this process's environment and the project in the current folder.

  --url URL              probe the service at URL (only that host is contacted)
  --post PATH            a POST route that parses JSON, for the malformed-body check
  --health-prefix PATH   health probe prefix (default /health)
  --health-url URL       health's probe listener, when its port option serves the probes
                         apart from the service (e.g. http://127.0.0.1:9001)
  --metrics-path PATH    metrics endpoint (default /metrics)
  --timeout MS           bound of every probe (default 3000)
  --shutdown-seconds N   shutdown delay + timeout the manifests must fit (default 30)
  --min-score N          exit 1 below this score (default 0)
  --json                 machine-readable output
`

export async function main (argv: string[], write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        post: { type: 'string' },
        'health-prefix': { type: 'string', default: '/health' },
        'health-url': { type: 'string' },
        'metrics-path': { type: 'string', default: '/metrics' },
        timeout: { type: 'string', default: '3000' },
        'shutdown-seconds': { type: 'string', default: '30' },
        'min-score': { type: 'string', default: '0' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false }
      }
    })
  } catch (err) {
    write(`${(err as Error).message}\n\n${usage}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help || positionals[0] !== 'doctor') {
    write(usage)
    return values.help ? 0 : 2
  }
  const numbers = { timeout: Number(values.timeout), shutdownSeconds: Number(values['shutdown-seconds']), minScore: Number(values['min-score']) }
  const bad = Object.entries(numbers).find(([, v]) => !Number.isFinite(v) || v < 0)
  if (bad !== undefined) {
    write(`--${bad[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a non-negative number\n`)
    return 2
  }
  const report = await runDoctor({
    url: values.url,
    postPath: values.post,
    healthPrefix: values['health-prefix'],
    healthUrl: values['health-url'],
    metricsPath: values['metrics-path'],
    timeout: numbers.timeout,
    shutdownSeconds: numbers.shutdownSeconds,
    cwd: process.cwd()
  })
  write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${report.text}\n`)
  return report.counts.fail > 0 || report.score < numbers.minScore ? 1 : 0
}
