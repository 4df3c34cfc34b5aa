import { CATALOGUE, type CheckInfo } from '../../shared/catalogue'
import {
  compareFindings,
  failsAt,
  isProblem,
  type Finding,
  type StageNumber,
} from '../../shared/finding'

/** The risk list: blockers first, then every other problem in order. */
export interface RiskSummary {
  readonly blockers: readonly Finding[]
  readonly others: readonly Finding[]
  readonly passed: number
  readonly total: number
}

export function riskSummary(findings: readonly Finding[]): RiskSummary {
  const sorted = [...findings].sort(compareFindings)
  const blockers = sorted.filter((f) => failsAt(f, 'blocker'))
  const others = sorted.filter((f) => isProblem(f) && !failsAt(f, 'blocker'))
  return {
    blockers,
    others,
    passed: findings.filter((f) => f.status === 'pass').length,
    total: findings.length,
  }
}

/** The headline sentence over the risk list. */
export function riskHeadline(summary: RiskSummary): string {
  const { blockers, others } = summary
  if (blockers.length > 0) {
    const n = blockers.length
    return n === 1
      ? '1 blocker stands between you and launch.'
      : `${n} blockers stand between you and launch.`
  }
  if (others.length > 0) {
    return `No blockers. ${others.length} more ${others.length === 1 ? 'thing needs' : 'things need'} a look before launch.`
  }
  return 'No blockers and nothing else to fix: every check passed.'
}

/** The catalogue's checks of one stage. */
export function stageChecks(stage: StageNumber): readonly CheckInfo[] {
  return CATALOGUE.filter((c) => c.stage === stage)
}

/** A stable key for one check on one target. */
export function findingKey(ref: { check: string; target: string }): string {
  return `${ref.check}\u0000${ref.target}`
}

/** How many checks that ran are clear: no problem on any target. */
export interface Readiness {
  readonly clear: number
  readonly checked: number
}

/**
 * Readiness of the findings given (one stage's, or all): a check counts
 * once it has a verdict other than skip, and is clear when none of its
 * targets has a problem.
 */
export function readiness(findings: readonly Finding[]): Readiness {
  const problem = new Map<string, boolean>()
  for (const f of findings) {
    if (f.status === 'skip') continue
    problem.set(f.check, (problem.get(f.check) ?? false) || isProblem(f))
  }
  const checked = problem.size
  const clear = [...problem.values()].filter((p) => !p).length
  return { clear, checked }
}

/** "31 of 40 checks clear (78 %)". */
export function readinessText(r: Readiness): string {
  if (r.checked === 0) return 'nothing checked yet'
  const share = Math.floor((100 * r.clear) / r.checked)
  return `${r.clear} of ${r.checked} checks clear (${share} %)`
}
