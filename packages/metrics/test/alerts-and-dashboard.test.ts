import t from 'tap'
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import metrics from '../src/index.js'
import { parseExposition, familyOf } from './exposition.js'

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset'])

/** The metric names a PromQL expression selects: identifiers that are not functions, keywords, labels or variables. */
function metricNames (expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
  const names: string[] = []
  for (const m of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] !== undefined || KEYWORDS.has(m[1] as string)) continue
    names.push(m[1] as string)
  }
  return names
}

interface Rule { alert: string, expr: string, labels?: Record<string, string> }

const rules = (parseYaml(readFileSync(join(packageDir, 'alerts/prometheus-rules.yaml'), 'utf8')) as { groups: Array<{ name: string, rules: Rule[] }> })
  .groups.flatMap((g) => g.rules)
const dashboard = JSON.parse(readFileSync(join(packageDir, 'dashboards/red.json'), 'utf8')) as {
  panels: Array<{ title: string, targets?: Array<{ expr: string }> }>
  templating: { list: Array<{ query: string, type: string }> }
  annotations: { list: Array<{ expr: string }> }
}

const dashboardExprs = [
  ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((target) => target.expr)),
  ...dashboard.annotations.list.map((a) => a.expr),
  // label_values(<selector>, <label>): only the selector names a metric.
  ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => (/^label_values\((.*),\s*\w+\)$/.exec(v.query) as RegExpExecArray)[1] as string)
]

t.test('the PromQL name extraction itself', async (t) => {
  t.same(metricNames('sum by (job, le) (rate(a_bucket{route!="x"}[5m])) / b > 0.8 and on (x) c{d=~"5.."} offset 5m'), ['a_bucket', 'b', 'c'])
  t.same(metricNames('rate(x_total{job="$job"}[$__rate_interval])'), ['x_total'])
})

t.test('the alert rules cover the guides\' thresholds', async (t) => {
  const byName = new Map(rules.map((r) => [r.alert, r]))
  t.match(byName.get('HighErrorRate')?.expr, /status_code=~"5\.\."[\s\S]*> 0\.01/)
  t.match(byName.get('HighLatencyP99')?.expr, /histogram_quantile\(0\.99[\s\S]*> 1\s*$/)
  t.match(byName.get('HeapNearLimit')?.expr, /nodejs_heap_size_used_bytes \/ nodejs_heap_size_limit_bytes > 0\.8/)
  t.match(byName.get('EventLoopDelayHigh')?.expr, /nodejs_eventloop_lag_p99_seconds > 0\.1/)
  t.match(byName.get('FrequentRestarts')?.expr, /changes\(process_start_time_seconds/)
  for (const rule of rules) t.ok(rule.labels?.severity, `${rule.alert} has a severity`)
})

t.test('every metric the alert rules and the dashboard use is one a real app exports', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(metrics)
  app.get('/orders/:id', async () => 'ok')
  await app.inject('/orders/1')
  const exposition = parseExposition((await app.inject('/metrics')).body)

  const used = new Set([...rules.map((r) => r.expr), ...dashboardExprs].flatMap(metricNames))
  t.ok(used.size >= 12, `the files use ${used.size} metrics`)
  for (const expr of [...rules.map((r) => r.expr), ...dashboardExprs]) t.ok(metricNames(expr).length > 0, `selects a metric: ${expr.slice(0, 60)}`)
  for (const name of used) {
    const family = familyOf(exposition, name)
    const type = exposition.types.get(family)
    t.ok(type !== undefined && (family === name || type === 'histogram'), `${name} is exported`)
  }
})

t.test('the files ship in the package', async (t) => {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { files: string[] }
  t.same(pkg.files.sort(), ['alerts', 'dashboards', 'dist'])
})
