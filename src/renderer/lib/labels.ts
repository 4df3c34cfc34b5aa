import type { Severity, Status } from '../../shared/finding'

/** What each status is called on screen; never colour alone. */
export const STATUS_LABEL: Readonly<Record<Status, string>> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  error: 'Could not check',
  skip: 'Skipped',
}

/** A glyph that repeats the status for those who cannot see colour. */
export const STATUS_ICON: Readonly<Record<Status, string>> = {
  pass: '✓',
  warn: '!',
  fail: '✕',
  error: '?',
  skip: '–',
}

export const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  blocker: 'Blocker',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
}
