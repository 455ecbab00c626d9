/** The guides' groups, in the order the guides list them. */
export const GROUPS = ['process', 'errors', 'config', 'logging', 'security', 'performance', 'deployment', 'monitoring'] as const
export type Group = typeof GROUPS[number]

export type Status = 'pass' | 'warn' | 'fail' | 'skip'

export interface CheckResult {
  group: Group
  /** Stable id, e.g. `http.headers-on-404`. */
  id: string
  title: string
  status: Status
  /** What was seen. */
  reason: string
  /** What to do about it; empty when it passed. */
  fix: string
}

export function result (group: Group, id: string, title: string, status: Status, reason: string, fix = ''): CheckResult {
  return { group, id, title, status, reason, fix: status === 'pass' ? '' : fix }
}
