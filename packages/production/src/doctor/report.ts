import { GROUPS, type CheckResult } from './check.js'

export interface Report {
  score: number
  counts: { pass: number, warn: number, fail: number, skip: number }
  checks: CheckResult[]
}

/** Score out of 100: a pass counts 1, a warning half, a failure 0; skipped checks do not count. */
export function summarize (checks: CheckResult[]): Report {
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0 }
  for (const c of checks) counts[c.status]++
  const counted = counts.pass + counts.warn + counts.fail
  const score = counted === 0 ? 100 : Math.round(100 * (counts.pass + counts.warn / 2) / counted)
  return { score, counts, checks }
}

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' } as const

export function formatText (report: Report): string {
  const lines: string[] = []
  for (const group of GROUPS) {
    const checks = report.checks.filter((c) => c.group === group)
    if (checks.length === 0) continue
    lines.push(`\n${group}`)
    for (const c of checks) {
      lines.push(`  ${MARK[c.status]}  ${c.title} — ${c.reason}`)
      if (c.fix !== '' && c.status !== 'skip') lines.push(`        fix: ${c.fix}`)
    }
  }
  const { pass, warn, fail, skip } = report.counts
  lines.push(`\nscore ${report.score}/100 — ${pass} pass, ${warn} warn, ${fail} fail, ${skip} skipped`)
  return lines.join('\n')
}
