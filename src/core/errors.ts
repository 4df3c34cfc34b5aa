/**
 * The engine's small error vocabulary. Every message follows one template,
 * "Could not <action>: <reason> (<target>)", so a user reads the same shape
 * everywhere; the original error, if any, stays in `cause`.
 */
export class LaunchReadyError extends Error {
  override name = 'LaunchReadyError'

  constructor(
    readonly action: string,
    readonly reason: string,
    readonly target?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Could not ${action}: ${reason}${target ? ` (${target})` : ''}`,
      options,
    )
  }
}

/** A workspace file that is missing, unreadable or invalid. */
export class WorkspaceError extends LaunchReadyError {
  override name = 'WorkspaceError' as const

  constructor(
    action: string,
    readonly file: string,
    readonly issues: readonly WorkspaceIssue[],
    options?: { cause?: unknown },
  ) {
    super(action, issues.map(formatIssue).join('; '), file, options)
  }
}

/** A problem at one place in a workspace file. */
export interface WorkspaceIssue {
  /** Dotted field path such as `network.resolvers[0]`, or '' for the file. */
  readonly path: string
  readonly message: string
  readonly line?: number
  readonly column?: number
}

export function formatIssue(issue: WorkspaceIssue): string {
  const where = issue.line ? `line ${issue.line}, column ${issue.column}` : ''
  const field = issue.path ? `${issue.path}` : ''
  const place = [field, where].filter(Boolean).join(' at ')
  return place ? `${place}: ${issue.message}` : issue.message
}

/** An operation that ran out of time; says how long it waited. */
export class TimeoutError extends LaunchReadyError {
  override name = 'TimeoutError' as const

  constructor(
    action: string,
    readonly ms: number,
    target?: string,
  ) {
    super(action, `timed out after ${formatSeconds(ms)}`, target)
  }
}

/** A keychain that could not be reached or refused an operation. */
export class VaultError extends LaunchReadyError {
  override name = 'VaultError' as const
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`
}

/** The message of anything thrown, without a stack. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
