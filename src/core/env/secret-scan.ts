import { scanText as scanWithRules } from '../secrets/index'
import type { SecretFinding } from '../secrets/index'
import {
  maskSecrets,
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

/** One line of a log: its likely secrets, and the line as it may be shown. */
export interface ScannedLine {
  readonly hits: readonly SecretHit[]
  /**
   * The line with what the rules matched cut off from its first match
   * (the scanner reports where a secret starts, not where it ends) and
   * what the heuristic recognises masked.
   */
  readonly shown: string
}

/**
 * Scans one log line as it streams, so it is never shown before it has
 * been checked. `lineNumber` numbers the hits within the whole log.
 */
export function scanLogLine(
  line: string,
  source: string,
  lineNumber: number,
): ScannedLine {
  const findings = scanWithRules(line, source).findings
  const hits = mergeHits(
    findings.map((f) => fromFinding(f, source)),
    scanWithHeuristic(line, source),
  ).map((hit) => ({ ...hit, line: lineNumber }))
  const first = findings.reduce<SecretFinding | undefined>(
    (a, f) => (!a || f.column < a.column ? f : a),
    undefined,
  )
  // Labelled with the line's hit: the specific rule, not the catch-all.
  const cut = first
    ? `${line.slice(0, first.column - 1)}[hidden: ${hits[0]?.rule ?? first.rule}]`
    : line
  return { hits, shown: maskSecrets(cut) }
}
