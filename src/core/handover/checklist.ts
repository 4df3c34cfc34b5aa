import type {
  ChecklistKind,
  ChecklistState,
  HandoverItem,
} from '../../shared/handover'
import type { ChecklistItem, Workspace } from '../../shared/workspace'
import { secretReferences } from '../workspace/secret-refs'
import type { WorkspaceEdit } from '../workspace/save'

export type { ChecklistKind, ChecklistState, HandoverItem }

interface Expected {
  readonly id: string
  readonly kind: ChecklistKind
  readonly title: string
  readonly asks: string
  readonly usedIn?: readonly string[]
}

const ACCESS: readonly Expected[] = [
  {
    id: 'handover.access.dns',
    kind: 'access',
    title: 'DNS provider access confirmed',
    asks: 'Log in to the registrar or DNS provider that holds the domain, with two-factor on, and record who holds the account.',
  },
  {
    id: 'handover.access.cloudflare',
    kind: 'access',
    title: 'Cloudflare access confirmed',
    asks: 'Log in to the Cloudflare account that serves the site (or record that there is none) and note who is an administrator.',
  },
  {
    id: 'handover.access.hosting',
    kind: 'access',
    title: 'Hosting access confirmed',
    asks: 'Log in to the hosting provider that runs the admin app and check you can deploy and roll back.',
  },
  {
    id: 'handover.access.email',
    kind: 'access',
    title: 'Email provider access confirmed',
    asks: 'Log in to the email sending provider (the SMTP account) and check you can see delivery logs and rotate its keys.',
  },
]

const RUNBOOKS: readonly Expected[] = [
  {
    id: 'deploy.rollback',
    kind: 'runbook',
    title: 'Rollback steps are written down',
    asks: 'How to put the previous version back, who may do it, and how to check the shop works afterwards.',
  },
  {
    id: 'deploy.migrations',
    kind: 'runbook',
    title: 'Database migrations are written down',
    asks: 'How migrations run, how to back one out and where the last backup is, or that there is no database.',
  },
]

const SUPPORT: readonly Expected[] = [
  {
    id: 'handover.support.business-hours',
    kind: 'support',
    title: 'Support owner in business hours',
    asks: 'Who answers when the shop breaks during the working day, their hours, time zone and how to reach them.',
  },
  {
    id: 'handover.support.after-hours',
    kind: 'support',
    title: 'Support owner after hours',
    asks: 'Who answers at night and at weekends, their time zone and how to reach them.',
  },
]

/** The checklist id of the rotation item for one secret. */
export function rotationItemId(secret: string): string {
  return `handover.rotation.${secret}`
}

/**
 * The whole handover checklist of a workspace: access to the four
 * providers, rotation steps for every secret the workspace refers to,
 * the Stage 3 runbooks (deploy.rollback and deploy.migrations, judged by
 * their checks from these same entries) and the two support shifts —
 * then any other item the file records, so nothing written is hidden.
 */
export function handoverChecklist(
  workspace: Workspace,
): readonly HandoverItem[] {
  const rotation: Expected[] = secretReferences(workspace).map((ref) => ({
    id: rotationItemId(ref.name),
    kind: 'rotation',
    title: `Rotation steps for "${ref.name}"`,
    asks: 'Where the secret is used, how to issue a new one and retire the old, and who has the access to do it.',
    usedIn: ref.usedIn,
  }))
  const expected = [...ACCESS, ...rotation, ...RUNBOOKS, ...SUPPORT]
  const known = new Set(expected.map((e) => e.id))
  const extra: Expected[] = workspace.checklist
    .filter((c) => !known.has(c.id))
    .map((c) => ({
      id: c.id,
      kind: kindOf(c.id),
      title: c.id,
      asks: 'An item recorded in the workspace.',
    }))
  return [...expected, ...extra].map((e) => judgeItem(e, workspace))
}

function kindOf(id: string): ChecklistKind {
  if (id.startsWith('handover.access.')) return 'access'
  if (id.startsWith('handover.rotation.')) return 'rotation'
  if (id.startsWith('handover.support.')) return 'support'
  return 'runbook'
}

function judgeItem(expected: Expected, workspace: Workspace): HandoverItem {
  const recorded = workspace.checklist.find((c) => c.id === expected.id)
  const timeZone =
    recorded?.timeZone ??
    workspace.owners.find((o) => o.name === recorded?.owner)?.timeZone
  const missing = missingFields(expected.kind, recorded, timeZone)
  const state: ChecklistState = !recorded?.done
    ? 'open'
    : missing.length > 0
      ? 'incomplete'
      : 'done'
  return {
    ...expected,
    ...(recorded ? { recorded } : {}),
    state,
    missing,
    ...(timeZone ? { timeZone } : {}),
  }
}

const has = (text: string | undefined) => Boolean(text?.trim())

function missingFields(
  kind: ChecklistKind,
  item: ChecklistItem | undefined,
  timeZone: string | undefined,
): string[] {
  const missing: string[] = []
  if (!has(item?.owner)) missing.push('owner')
  if (!item?.date) missing.push('date')
  switch (kind) {
    case 'access':
      break
    case 'rotation':
      if (!has(item?.steps) && !has(item?.note)) missing.push('steps')
      if (!has(item?.whoCan)) missing.push('who can rotate')
      break
    case 'runbook':
      if (!has(item?.steps) && !has(item?.note)) missing.push('steps')
      break
    case 'support':
      if (!timeZone) missing.push('time zone')
      if (!has(item?.contact)) missing.push('contact')
      break
  }
  return missing
}

/**
 * The edit that records `item` in the workspace's checklist: it replaces
 * the entry with the same id, or appends one. Apply with
 * updateWorkspace, which keeps the file's comments.
 */
export function checklistEdit(
  workspace: Workspace,
  item: ChecklistItem,
): WorkspaceEdit {
  const index = workspace.checklist.findIndex((c) => c.id === item.id)
  const at = index === -1 ? workspace.checklist.length : index
  const value = Object.fromEntries(
    Object.entries(item).filter(([, v]) => v !== undefined && v !== ''),
  )
  return { path: ['checklist', at], value }
}
