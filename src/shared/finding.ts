/** What a finding says about its target. `error` means "could not decide". */
export const STATUSES = ['pass', 'warn', 'fail', 'error', 'skip'] as const
export type Status = (typeof STATUSES)[number]

/** How much a failing finding matters, worst first. */
export const SEVERITIES = ['blocker', 'high', 'medium', 'low', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue }

/** What a check saw: records, headers, certificate fields, timings. */
export type Evidence = { readonly [key: string]: JsonValue }

/** One verdict of one check on one target. */
export interface Finding {
  readonly check: string
  readonly stage: StageNumber
  readonly status: Status
  readonly severity: Severity
  readonly target: string
  readonly title: string
  readonly detail: string
  readonly evidence: Evidence
  readonly fix: string
}

export type StageNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7

/** True when the finding should count against a launch. */
export function isProblem(finding: Pick<Finding, 'status'>): boolean {
  return (
    finding.status === 'fail' ||
    finding.status === 'warn' ||
    finding.status === 'error'
  )
}

/** Lower is worse; used to sort the risk list blockers first. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity)
}

/** Lower is worse; `fail` before `error` before `warn`. */
export function statusRank(status: Status): number {
  switch (status) {
    case 'fail':
      return 0
    case 'error':
      return 1
    case 'warn':
      return 2
    case 'skip':
      return 3
    case 'pass':
      return 4
  }
}

/** Orders findings for the risk list: worst status, then severity. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    statusRank(a.status) - statusRank(b.status) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    a.stage - b.stage ||
    a.check.localeCompare(b.check) ||
    a.target.localeCompare(b.target)
  )
}

/**
 * The status that sums up a set of findings, for the tray and the stage
 * headers: any failure wins, then errors, then warnings.
 */
export function worstStatus(findings: readonly Pick<Finding, 'status'>[]) {
  let worst: Status | undefined
  for (const f of findings) {
    if (worst === undefined || statusRank(f.status) < statusRank(worst)) {
      worst = f.status
    }
  }
  return worst
}

/**
 * True when a finding fails at or above a severity threshold: what the
 * CLI's --fail-on and the notifications act on.
 */
export function failsAt(finding: Finding, threshold: Severity): boolean {
  return (
    (finding.status === 'fail' || finding.status === 'error') &&
    severityRank(finding.severity) <= severityRank(threshold)
  )
}
