import type { Finding } from '../../shared/finding'
import type { RunRecord, Store } from './store'

/** The audit as the Audit screen shows it at one point in history. */
export interface AuditView {
  /** The full audit it starts from (or the first partial run, if none). */
  readonly base: RunRecord
  /** The latest run in it: the base, or the last re-check since. */
  readonly latest: RunRecord
  readonly findings: readonly Finding[]
}

/**
 * The audit as it stood before run `beforeId` (by default, now): the last
 * full audit, with every partial run after it (a re-check, a test send)
 * laid over it check by check.
 */
export function auditView(
  store: Pick<Store, 'lastRun' | 'partialRunsAfter'>,
  workspace: string,
  beforeId = Number.MAX_SAFE_INTEGER,
): AuditView | undefined {
  const full = store.lastRun(workspace, beforeId)
  const partials = store
    .partialRunsAfter(workspace, full?.id ?? 0)
    .filter((run) => run.id < beforeId)
  const base = full ?? partials[0]
  if (!base) return undefined
  let findings: readonly Finding[] = full?.findings ?? []
  for (const run of partials) {
    const replaced = new Set(run.checks)
    findings = [
      ...findings.filter((f) => !replaced.has(f.check)),
      ...run.findings,
    ]
  }
  return { base, latest: partials.at(-1) ?? base, findings }
}
