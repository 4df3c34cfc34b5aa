import { checkInfo, type CheckInfo } from '../../shared/catalogue'
import type { Workspace } from '../../shared/workspace'
import { finding, type Check, type Verdict } from './check'

/** What a founder should write for a manual item, and where it shows. */
interface ManualItem {
  readonly info: CheckInfo
  readonly severity: 'high' | 'medium'
  /** What the written steps must cover, as a sentence. */
  readonly cover: string
  /** An example note naming where the steps live. */
  readonly example: string
}

const ITEMS: readonly ManualItem[] = [
  {
    info: checkInfo('deploy.rollback')!,
    severity: 'high',
    cover:
      "how to put the previous version back (the hosting provider's " +
      '"redeploy" or "rollback" button, or the git tag and command), ' +
      'who may do it, and how to check the shop works afterwards',
    example: 'docs/runbooks/rollback.md',
  },
  {
    info: checkInfo('deploy.migrations')!,
    severity: 'medium',
    cover:
      'how database migrations run (command, before or after the deploy), ' +
      'how to back one out, and where the last backup is — or that the ' +
      'app has no database of its own',
    example: 'docs/runbooks/migrations.md',
  },
]

/**
 * A manual item: it passes when the workspace's checklist records it as
 * done, with a note saying where the steps are written. Target: the
 * workspace's domain.
 */
function manualCheck(item: ManualItem): Check {
  return {
    info: item.info,
    targets: (workspace) => [workspace.domain],
    async run(target, context) {
      return [finding(item.info, target, judge(item, context.workspace))]
    },
  }
}

function judge(item: ManualItem, workspace: Workspace): Verdict {
  const id = item.info.id
  const entry = workspace.checklist.find((c) => c.id === id)
  const evidence = {
    checklistItem: id,
    recorded: entry !== undefined,
    done: entry?.done ?? false,
    owner: entry?.owner ?? null,
    date: entry?.date ?? null,
    note: entry?.note ?? null,
  }
  const snippet =
    `  checklist:\n    - id: ${id}\n      done: true\n` +
    `      owner: <who keeps it current>\n      date: <YYYY-MM-DD>\n` +
    `      note: <where it is, e.g. ${item.example}>`
  // The steps may also be written in the checklist entry itself (the
  // handover checklist's runbook field); the pack then carries them.
  if (entry?.done && !entry.note?.trim() && entry.steps?.trim()) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${item.info.title} in the workspace`,
      detail:
        `Recorded as written down` +
        (entry.owner ? ` by ${entry.owner}` : '') +
        (entry.date ? ` on ${entry.date}` : '') +
        `. The steps are in the workspace's checklist and the handover pack.`,
      evidence: { ...evidence, steps: true },
    }
  }
  if (entry?.done && entry.note?.trim()) {
    return {
      status: 'pass',
      severity: 'info',
      title: `${item.info.title}: ${entry.note.trim()}`,
      detail:
        `Recorded as written down` +
        (entry.owner ? ` by ${entry.owner}` : '') +
        (entry.date ? ` on ${entry.date}` : '') +
        `. Where: ${entry.note.trim()}.`,
      evidence,
    }
  }
  if (entry?.done) {
    return {
      status: 'warn',
      severity: 'low',
      title: `${item.info.title}, but not where`,
      detail: `The checklist marks ${id} as done without a note, so nobody on call can find the steps.`,
      evidence,
      fix: `Add a note to ${id} in the workspace's checklist saying where the steps are:\n${snippet}`,
    }
  }
  return {
    status: 'fail',
    severity: item.severity,
    title: `${item.info.title.replace(/ are written down$/, '')} are not written down`,
    detail: `Nothing records ${id} as done. Write down ${item.cover}.`,
    evidence,
    fix: `Write the steps where the team keeps its runbooks, then record where in the workspace:\n${snippet}`,
  }
}

export const deployRollback: Check = manualCheck(ITEMS[0]!)
export const deployMigrations: Check = manualCheck(ITEMS[1]!)
