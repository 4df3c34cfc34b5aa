import type { Check } from './check'
import { httpsRedirect } from './https-redirect'
import { tlsExpiry } from './tls-expiry'
import { tlsValid } from './tls-valid'

/** Every check this version runs, in catalogue order. */
export const CHECKS: readonly Check[] = [httpsRedirect, tlsValid, tlsExpiry]

/**
 * The checks named by `only` (ids, or prefixes ending in '.' such as
 * "tls."), or every check. Unknown names are returned for the caller to
 * report.
 */
export function selectChecks(only?: readonly string[]): {
  readonly checks: readonly Check[]
  readonly unknown: readonly string[]
} {
  if (!only || only.length === 0) return { checks: CHECKS, unknown: [] }
  const matches = (check: Check, name: string) =>
    name.endsWith('.') ? check.info.id.startsWith(name) : check.info.id === name
  return {
    checks: CHECKS.filter((c) => only.some((name) => matches(c, name))),
    unknown: only.filter((name) => !CHECKS.some((c) => matches(c, name))),
  }
}
