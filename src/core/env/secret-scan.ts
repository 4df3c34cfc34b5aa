import { scanText as scanWithRules } from '../secrets/index'
import type { SecretFinding } from '../secrets/index'
import {
  scanText as scanWithHeuristic,
  type SecretHit,
} from './secret-heuristic'

export type { SecretHit }

/**
 * gitleaks' catch-all rule; a line it shares with a specific rule is
 * reported under the specific one.
 */
const GENERIC_RULE = 'generic-api-key'

/**
 * Likely secrets in `text`: the secret scanner's findings (the gitleaks
 * rules), plus the small heuristic's on lines the rules left alone — it
 * knows placeholders and passwords in URLs, which the rules do not
 * target. One finding per line at most.
 */
export function findSecrets(text: string, source: string): SecretHit[] {
  return mergeHits(
    scanWithRules(text, source).findings.map((f) => fromFinding(f, source)),
    scanWithHeuristic(text, source),
  )
}

/** The scanner's findings and the heuristic's hits, one per line. */
export function mergeHits(
  fromRules: readonly SecretHit[],
  fromHeuristic: readonly SecretHit[],
): SecretHit[] {
  const byLine = new Map<number, SecretHit>()
  for (const hit of fromRules) {
    const known = byLine.get(hit.line)
    if (!known || known.rule === GENERIC_RULE) byLine.set(hit.line, hit)
  }
  for (const hit of fromHeuristic) {
    if (!byLine.has(hit.line)) byLine.set(hit.line, hit)
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line)
}

/** A scanner finding in the shape the env and build checks report. */
export function fromFinding(finding: SecretFinding, source: string): SecretHit {
  return {
    source,
    line: finding.line,
    rule: finding.rule,
    redacted: finding.redacted,
    fingerprint: finding.fingerprint,
  }
}
