import t from 'tap'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { requirePromtool, runPromtool, skipWithoutPromtool } from './promtool.js'

requirePromtool(t)

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const rulesFile = join(packageDir, 'alerts/prometheus-rules.yaml')
const unitTests = join(packageDir, 'test/alerts.promtool.yaml')

interface UnitTests { rule_files: string[], tests: Array<{ alert_rule_test?: Array<{ alertname: string, exp_alerts: unknown[] }> }> }

t.test('every shipped alert has a promtool unit test that fires it and one that does not', async (t) => {
  const alerts = (parseYaml(readFileSync(rulesFile, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string }> }> })
    .groups.flatMap((g) => g.rules.flatMap((r) => r.alert === undefined ? [] : [r.alert]))
  const cases = (parseYaml(readFileSync(unitTests, 'utf8')) as UnitTests).tests.flatMap((c) => c.alert_rule_test ?? [])
  t.ok(alerts.length >= 6)
  for (const alert of alerts) {
    t.ok(cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0), `${alert} fires in a test`)
    t.ok(cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0), `${alert} stays silent in a test`)
  }
})

t.test('promtool check rules: the rules file is valid', { skip: skipWithoutPromtool }, async (t) => {
  const { code, output } = await runPromtool(['check', 'rules', rulesFile])
  t.equal(code, 0, output)
  t.match(output, /SUCCESS: \d+ rules found/)
})

t.test('promtool test rules: every alert fires, and stays silent, as its unit tests say', { skip: skipWithoutPromtool }, async (t) => {
  const { code, output } = await runPromtool(['test', 'rules', unitTests])
  t.equal(code, 0, output)
  t.match(output, /SUCCESS/)
})
