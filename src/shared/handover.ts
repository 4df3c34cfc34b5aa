import type { ChecklistItem } from './workspace'

/**
 * The handover checklist as the core judges it and the window shows it
 * (src/core/handover/checklist.ts builds it).
 */

/** The groups of the handover checklist, in the order the pack shows. */
export type ChecklistKind = 'access' | 'rotation' | 'runbook' | 'support'

/**
 * `open`: nothing recorded as done; `incomplete`: marked done but a
 * field someone on call needs is missing; `done`: all there.
 */
export type ChecklistState = 'open' | 'incomplete' | 'done'

/** One expected item, joined with what the workspace records for it. */
export interface HandoverItem {
  readonly id: string
  readonly kind: ChecklistKind
  readonly title: string
  /** What the item asks for, in a founder's words. */
  readonly asks: string
  /** What the workspace records; undefined when nothing yet. */
  readonly recorded?: ChecklistItem
  readonly state: ChecklistState
  /** Fields still missing, e.g. "owner", "time zone". */
  readonly missing: readonly string[]
  /** Rotation items: the fields of the workspace that use the secret. */
  readonly usedIn?: readonly string[]
  /** The owner's time zone: the item's own, else the owners list's. */
  readonly timeZone?: string
}
