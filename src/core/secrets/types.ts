/**
 * What the secret scanner reports. A finding never holds the secret: only
 * a redacted prefix and a fingerprint (a hash of rule, file and secret)
 * that stays the same from scan to scan, so a baseline can accept it.
 */
export interface SecretFinding {
  /** The gitleaks rule id, e.g. "aws-access-token". */
  readonly rule: string
  readonly description: string
  /** The file, relative to the scanned folder, or the log's name. */
  readonly file: string
  /** 1-based line and column of the secret. */
  readonly line: number
  readonly column: number
  /** Present for a finding in git history: the commit that added it. */
  readonly commit?: string
  /** The first few characters and an ellipsis, e.g. "AKIA…". */
  readonly redacted: string
  readonly fingerprint: string
  /** Shannon entropy of the secret, in bits per character. */
  readonly entropy: number
  /** The baseline's reason, when the finding is accepted there. */
  readonly accepted?: string
}

/** Why part of the input was not scanned. */
export type SkipReason =
  | 'binary'
  | 'too-large'
  | 'unreadable'
  | 'symlink-loop'
  | 'outside-root'
  | 'not-a-file'
  | 'time-budget'
  | 'too-many-findings'
  | 'too-many-files'

/** Something the scan left out, and why, for the report. */
export interface Skipped {
  readonly file: string
  readonly reason: SkipReason
  /** A sentence naming what happened, e.g. "2.0 GB, over the 10 MB limit". */
  readonly note: string
}

export interface ScanStats {
  readonly files: number
  readonly bytes: number
  /** Files and folders left out by .gitignore or the rules' allowlist. */
  readonly ignored: number
  readonly durationMs: number
}

export interface ScanResult {
  readonly findings: readonly SecretFinding[]
  readonly skipped: readonly Skipped[]
  readonly stats: ScanStats
}

/** Limits and switches shared by every scan. */
export interface ScanOptions {
  /** Files larger than this are skipped with a note (tree scans only). */
  readonly maxFileBytes?: number
  /**
   * Lines longer than this are checked in overlapping windows of this
   * size, which bounds the work any one regex does on one input.
   */
  readonly maxLineLength?: number
  /** Stop scanning one file or stream after this long, with a note. */
  readonly timeBudgetMs?: number
  /**
   * Stop running one rule on one file or stream once it has spent this
   * long there (a hostile line), with a note; the other rules go on.
   */
  readonly ruleBudgetMs?: number
  /** Stop reporting from one file or stream after this many findings. */
  readonly maxFindingsPerFile?: number
  readonly signal?: AbortSignal
}
