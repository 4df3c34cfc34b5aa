import {
  compareFindings,
  type Finding,
  type StageNumber,
} from '../../shared/finding'
import type { RunView } from '../../shared/ipc'
import { findingKey } from './risk'

/** What one row of a check shows for one target. */
export type RowState =
  | { readonly kind: 'finding'; readonly finding: Finding }
  | { readonly kind: 'checking' | 'waiting' | 'pending' }

export interface Row {
  readonly key: string
  readonly check: string
  readonly target: string
  readonly state: RowState
}

/** The audit as the stage list needs it. */
export interface AuditSnapshot {
  readonly run: RunView | null
  readonly live: readonly Finding[]
  readonly running: boolean
  /** The checks a partial run is redoing; null for a full audit. */
  readonly scope: readonly string[] | null
  readonly inFlight: ReadonlySet<string>
  /** Each check's targets in the workspace: its rows before a run. */
  readonly targets: Readonly<Record<string, readonly string[]>>
}

/**
 * The findings on screen: the running audit's, else the last run's. A
 * partial run (a test send) keeps the rest of the last run in view.
 */
export function shownFindings(snapshot: AuditSnapshot): readonly Finding[] {
  const last = snapshot.run?.findings ?? []
  if (!snapshot.running) return last
  if (!snapshot.scope) return snapshot.live
  const redone = new Set(snapshot.scope)
  return [...last.filter((f) => !redone.has(f.check)), ...snapshot.live]
}

/** One row per finding of `check`, and one per target still to come. */
export function checkRows(check: string, snapshot: AuditSnapshot): Row[] {
  const shown = shownFindings(snapshot).filter((f) => f.check === check)
  const known = (snapshot.run?.findings ?? []).filter((f) => f.check === check)
  const targets = unique([...known, ...shown].map((f) => f.target))
  const rows = (
    targets.length > 0 ? targets : (snapshot.targets[check] ?? [])
  ).flatMap((target) => rowsOf(check, target, shown, snapshot))
  // Problems first, in risk order; the rest keep the targets' order.
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => rowRank(a.row) - rowRank(b.row) || a.index - b.index)
    .map(({ row }) => row)
}

function rowsOf(
  check: string,
  target: string,
  shown: readonly Finding[],
  snapshot: AuditSnapshot,
): Row[] {
  const key = findingKey({ check, target })
  const found = shown.filter((f) => f.target === target).sort(compareFindings)
  if (found.length > 0) {
    return found.map((finding, i) => ({
      key: `${key}#${i}`,
      check,
      target,
      state: { kind: 'finding', finding },
    }))
  }
  return [{ key, check, target, state: { kind: waitingKind(key, snapshot) } }]
}

function rowRank(row: Row): number {
  if (row.state.kind !== 'finding') return 5
  return ['fail', 'error', 'warn', 'skip', 'pass'].indexOf(
    row.state.finding.status,
  )
}

function waitingKind(key: string, snapshot: AuditSnapshot) {
  if (!snapshot.running) return 'pending'
  return snapshot.inFlight.has(key) ? 'checking' : 'waiting'
}

/** The findings of one stage. */
export function stageFindings(
  findings: readonly Finding[],
  stage: StageNumber,
) {
  return findings.filter((f) => f.stage === stage)
}

/** The worst finding of a check on a target: what the detail shows. */
export function findingFor(
  findings: readonly Finding[],
  ref: { check: string; target: string },
): Finding | undefined {
  return findings
    .filter((f) => f.check === ref.check && f.target === ref.target)
    .sort(compareFindings)[0]
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)]
}
