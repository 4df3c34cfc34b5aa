import type { CheckInfo } from '../../shared/catalogue'
import type { Finding, Severity, Status } from '../../shared/finding'
import type { Evidence } from '../../shared/finding'
import type { Workspace } from '../../shared/workspace'
import type { Logger } from '../log'
import type { Network } from '../net/network'
import type { AlertQueue } from '../store/alert-queue'
import type { Vault } from '../vault/vault'

/** What a check receives: the world as the workspace describes it. */
export interface CheckContext {
  readonly workspace: Workspace
  /**
   * The workspace file's absolute path, which anchors relative paths in
   * it (repo.path); absent for a workspace that was never saved.
   */
  readonly workspaceFile?: string
  readonly net: Network
  /** The clock; tests hand in a fixed one. */
  readonly now: () => Date
  /** Aborted when the check times out or the audit is cancelled. */
  readonly signal: AbortSignal
  readonly log: Logger
  /**
   * Tells the progress display what a long check is doing now (a build's
   * phase, its latest log line). Notes are shown as they are: never pass
   * a secret.
   */
  readonly progress?: (note: string) => void
  /** Where `secret:NAME` values come from; absent where there is none. */
  readonly vault?: Vault
  /**
   * The alerts delivered so far, by the workspace file's path
   * (monitor.alert-route); absent where there is no history database.
   */
  readonly alertLog?: Pick<AlertQueue, 'lastDelivered'>
  /**
   * Runs a probe once per audit and shares its result: several checks
   * read the same TLS handshake or DNS answer.
   */
  probe<T>(key: string, run: (signal: AbortSignal) => Promise<T>): Promise<T>
}

/**
 * A check: which targets it looks at, and a plain async function that
 * judges one target. Expected failures are findings, never throws.
 */
export interface Check {
  readonly info: CheckInfo
  /**
   * Runs alone, after every other check, one target at a time: for
   * measurements that the rest of the audit would disturb.
   */
  readonly exclusive?: boolean
  /**
   * The check's own time limit, for one that runs far longer than a
   * probe (a build); the audit's per-check timeout applies otherwise.
   */
  timeoutMs?(workspace: Workspace): number
  targets(workspace: Workspace): readonly string[]
  run(target: string, context: CheckContext): Promise<readonly Finding[]>
}

export interface Verdict {
  readonly status: Status
  readonly severity: Severity
  readonly title: string
  readonly detail: string
  readonly evidence?: Evidence
  /**
   * How to fix it, for a founder. Commands, config and records that can
   * be pasted go on lines of their own indented by two spaces; the UI
   * shows those with a Copy button.
   */
  readonly fix?: string
}

/** Builds a finding of `info`'s check for `target`. */
export function finding(
  info: CheckInfo,
  target: string,
  verdict: Verdict,
): Finding {
  return {
    check: info.id,
    stage: info.stage,
    target,
    status: verdict.status,
    severity: verdict.severity,
    title: verdict.title,
    detail: verdict.detail,
    evidence: verdict.evidence ?? {},
    fix: verdict.fix ?? '',
  }
}
