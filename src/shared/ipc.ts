import { z } from 'zod'
import type { EventChannel, InvokeChannel } from './channels'
import type { Finding } from './finding'
import type { HandoverItem } from './handover'
import type { MonitoringView, TestAlertResult } from './monitoring'
import { STANDARD_URLS } from './standards'
import { ChecklistItemSchema, SECRET_NAME, type Workspace } from './workspace'

export type { EventChannel, InvokeChannel }

/**
 * The one contract between the renderer and the main process. Each
 * channel maps to the schema its request must pass and the type of its
 * response; main, preload and renderer all derive their types from here.
 * Channel names are `<domain>:<method>`, and the preload turns them into
 * `api.<domain>.<method>()`.
 */

/** Every response crosses the boundary as a value, never as a throw. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string }

/** A workspace as the renderer sees it: references, never secret values. */
export interface WorkspaceView {
  readonly file: string
  readonly workspace: Workspace
  /** What each check will look at, by check id: its rows before a run. */
  readonly targets: Readonly<Record<string, readonly string[]>>
  /** Set when the file was from an older version and was brought up to date. */
  readonly migrated?: {
    readonly from: number
    readonly to: number
    /** Where the original is kept; undefined when it could not be saved. */
    readonly backup?: string
    /** Why the updated file could not be saved, when it could not. */
    readonly unsaved?: string
  }
  /** Values that look like real secrets, to be moved to the keychain. */
  readonly warnings: readonly {
    readonly path: string
    readonly message: string
    readonly line?: number
  }[]
}

/** A finished (or stopped) audit. */
export interface RunView {
  readonly id?: number
  readonly startedAt: string
  readonly finishedAt: string
  readonly durationMs: number
  readonly outcome: 'completed' | 'cancelled' | 'deadline'
  readonly findings: readonly Finding[]
  /** What changed since the audit before, when there was one. */
  readonly changes?: RunChanges
}

/** Problems gone and problems new, target by target, since a past audit. */
export interface RunChanges {
  /** When the audit compared against finished. */
  readonly since: string
  readonly fixed: readonly ChangedTarget[]
  readonly broke: readonly ChangedTarget[]
}

export interface ChangedTarget {
  readonly check: string
  readonly target: string
  /** The title of the problem: the old one when fixed, the new when broke. */
  readonly title: string
}

export interface HistoryView {
  readonly runId: number
  readonly startedAt: string
  readonly status: Finding['status']
  readonly severity: Finding['severity']
  readonly title: string
  /** The check's trend value (CheckInfo.trend) in that run, if any. */
  readonly value?: number | null
}

/** A credential by name: whether it is stored and whether the workspace uses it. */
export interface SecretView {
  readonly name: string
  readonly stored: boolean
  readonly referenced: boolean
  /** The workspace fields that refer to it, e.g. `email.smtp.password`. */
  readonly usedIn: readonly string[]
}

export type ProgressEvent =
  | { readonly type: 'started'; readonly total: number }
  | {
      readonly type: 'check-started'
      readonly check: string
      readonly target: string
    }
  | {
      /** What a long check (a build) is doing now; never a secret. */
      readonly type: 'check-progress'
      readonly check: string
      readonly target: string
      readonly note: string
    }
  | {
      readonly type: 'check-finished'
      readonly check: string
      readonly target: string
      readonly findings: readonly Finding[]
      readonly done: number
      readonly total: number
    }

const workspacePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => /\.(launchready\.)?(ya?ml|json)$/i.test(p), {
    message: 'must be a .launchready.yaml or .json file',
  })

const secretName = z
  .string()
  .max(64)
  .regex(SECRET_NAME, 'must be 1–64 lowercase letters, digits, ".", "_" or "-"')

const checkId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9.-]+$/)

/** A channel: its request schema, and its response type (types only). */
export interface Channel<Request extends z.ZodType, Response> {
  readonly request: Request
  readonly response?: Response
}

const channel =
  <Response>() =>
  <Request extends z.ZodType>(
    request: Request,
  ): Channel<Request, Response> => ({
    request,
  })

const none = z.strictObject({})

export const INVOKE = {
  /** Opens a workspace: the given file, or one the user picks. */
  'workspace:open': channel<WorkspaceView | null>()(
    z.strictObject({ path: workspacePath.optional() }),
  ),
  /** Writes a new workspace from the short form, where the user picks. */
  'workspace:create': channel<WorkspaceView | null>()(
    z.strictObject({
      path: workspacePath.optional(),
      name: z.string().trim().min(1).max(200),
      domain: z.string().trim().min(1).max(253),
      canonicalOrigin: z.string().trim().min(1).max(300),
      subdomains: z.array(z.string().trim().min(1).max(253)).max(100),
    }),
  ),
  'workspace:current': channel<WorkspaceView | null>()(none),
  'workspace:recent': channel<readonly string[]>()(none),
  /** Runs the audit (all checks, or those named). */
  'audit:run': channel<RunView>()(
    z.strictObject({ only: z.array(checkId).max(100).optional() }),
  ),
  'audit:cancel': channel<boolean>()(none),
  'audit:last': channel<RunView | null>()(none),
  'audit:history': channel<readonly HistoryView[]>()(
    z.strictObject({ check: checkId, target: z.string().min(1).max(253) }),
  ),
  'secret:list': channel<readonly SecretView[]>()(none),
  /** Stores a value; the one way a secret crosses the boundary. */
  'secret:set': channel<void>()(
    z.strictObject({ name: secretName, value: z.string().min(1).max(16_384) }),
  ),
  'secret:delete': channel<boolean>()(z.strictObject({ name: secretName })),
  /**
   * Accepts a secret finding of the last scan into the repository's
   * baseline, by fingerprint, with the reason the team gives.
   */
  /** The handover checklist of the open workspace, judged item by item. */
  'handover:checklist': channel<readonly HandoverItem[]>()(none),
  /** Records one checklist item in the workspace file; the new checklist. */
  'handover:record': channel<readonly HandoverItem[]>()(
    z.strictObject({ item: ChecklistItemSchema }),
  ),
  /** Saves the handover document where the user picks; null if cancelled. */
  'handover:export': channel<string | null>()(
    z.strictObject({ format: z.enum(['md', 'html', 'pdf']) }),
  ),
  'monitor:dashboard': channel<MonitoringView>()(none),
  /** Runs the workspace's monitors in the app until stopped. */
  'monitor:start': channel<MonitoringView>()(none),
  'monitor:stop': channel<MonitoringView>()(none),
  /** Sends a test alert through the channel of that name. */
  'monitor:test': channel<TestAlertResult>()(
    z.strictObject({ channel: z.string().min(1).max(100) }),
  ),
  /** Opens a cited standard in the browser; no other address. */
  'link:open': channel<void>()(
    z.strictObject({
      url: z.string().refine((url) => STANDARD_URLS.has(url), {
        message: 'is not a standard the checks cite',
      }),
    }),
  ),
  'baseline:accept': channel<void>()(
    z.strictObject({
      fingerprint: z.string().regex(/^[0-9a-f]{16,64}$/),
      reason: z.string().trim().min(1, 'say why it is accepted').max(500),
    }),
  ),
} as const satisfies {
  readonly [C in InvokeChannel]: Channel<z.ZodType, unknown>
}

/** Messages main sends on its own, with their payload types. */
export interface Events {
  'audit:progress': ProgressEvent
  /** A workspace opened from outside: second instance, file association. */
  'workspace:opened': WorkspaceView
  /** The tray asked for an audit. */
  'audit:requested': Record<string, never>
  /** A monitor changed state or saw drift: the dashboard is stale. */
  'monitor:changed': { readonly monitor: string }
  /** A monitor's notification was clicked: show it. */
  'monitor:open': { readonly monitor: string }
}

export type RequestOf<C extends InvokeChannel> = z.input<
  (typeof INVOKE)[C]['request']
>
export type ParsedRequestOf<C extends InvokeChannel> = z.output<
  (typeof INVOKE)[C]['request']
>
export type ResponseOf<C extends InvokeChannel> = Exclude<
  (typeof INVOKE)[C]['response'],
  undefined
>
