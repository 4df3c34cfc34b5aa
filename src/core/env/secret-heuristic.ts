import { createHash } from 'node:crypto'

/**
 * A small heuristic beside the secret scanner (src/core/secrets, the
 * gitleaks rules): it tells placeholders ("your-key-here") from real
 * values in example files, finds passwords inside URLs, and masks log
 * lines as they stream, which the scanner's findings (line and column,
 * no length) cannot do. It knows the unmistakable token formats and
 * high-entropy values under secret-like names; it is not a rule set.
 */

/** A likely secret in some text: where, which kind, never the value. */
export interface SecretHit {
  /** The file or log it was found in. */
  readonly source: string
  readonly line: number
  readonly rule: string
  /** The first characters and the length, e.g. "sk_l… (32 chars)". */
  readonly redacted: string
  /** Stable across runs, so a finding can be followed; not reversible. */
  readonly fingerprint: string
}

const TOKENS: readonly { readonly rule: string; readonly re: RegExp }[] = [
  { rule: 'Stripe live key', re: /\b[rsp]k_live_[0-9a-zA-Z]{16,}/g },
  { rule: 'AWS access key id', re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { rule: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { rule: 'GitHub token', re: /\bgh[pousr]_[A-Za-z0-9]{36,}/g },
  { rule: 'GitHub token', re: /\bgithub_pat_\w{40,}/g },
  { rule: 'GitLab token', re: /\bglpat-[\w-]{20,}/g },
  { rule: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { rule: 'SendGrid key', re: /\bSG\.[\w-]{22}\.[\w-]{43}\b/g },
  { rule: 'private key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/g },
]

/** Names whose values are credentials by convention. */
const SECRET_NAME =
  /(?:secret|token|passw(?:or)?d|pwd|api_?key|private_?key|credential|auth|_key$|^key$|dsn$)/i

/** Values people write to mean "put yours here". */
const PLACEHOLDER =
  /^(?:<.*>|\$\{.*\}|x+|\*+|\.\.\.|…)$|your|change_?me|example|placeholder|replace|dummy|fake|sample|todo|xxxx|redacted|_here\b|\b(?:test|dev|local)\b/i

/** Below this, a random-looking string is too short to be a credential. */
const MIN_SECRET_LENGTH = 16

/**
 * Why an example file's value looks like a real secret rather than a
 * placeholder, or undefined when it looks harmless.
 */
export function realSecretReason(
  name: string,
  value: string,
): string | undefined {
  const v = value.trim()
  if (isPlaceholder(v)) return undefined
  const token = TOKENS.find((t) => new RegExp(t.re.source).test(v))
  if (token) return `it looks like a ${token.rule}`
  const password = urlPassword(v)
  if (password !== undefined) {
    return !PLACEHOLDER.test(password) && randomLooking(password)
      ? 'it is a URL with a real-looking password in it'
      : undefined
  }
  if (SECRET_NAME.test(name) && randomLooking(v)) {
    return 'it is a long random-looking value under a secret name'
  }
  return undefined
}

/** True for an empty value or one people write to mean "yours here". */
export function isPlaceholder(value: string): boolean {
  const v = value.trim()
  return v === '' || PLACEHOLDER.test(v)
}

/** Likely secrets in `text` (a build log, a file), line by line. */
export function scanText(text: string, source: string): SecretHit[] {
  const hits: SecretHit[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    for (const { rule, re } of TOKENS) {
      for (const match of line.matchAll(re)) {
        hits.push(hit(source, i + 1, rule, match[0]))
      }
    }
    const assignment = /\b([A-Z][A-Z0-9_]*)\s*[=:]\s*["']?([^\s"']+)/.exec(line)
    if (assignment) {
      const [, name = '', value = ''] = assignment
      const known = hits.some((h) => h.line === i + 1)
      if (!known && realSecretReason(name, value)) {
        hits.push(hit(source, i + 1, 'secret-named value', value))
      }
    }
  })
  return hits
}

function hit(
  source: string,
  line: number,
  rule: string,
  value: string,
): SecretHit {
  return {
    source,
    line,
    rule,
    redacted: redact(value),
    fingerprint: createHash('sha256')
      .update(`${rule}\0${value}`)
      .digest('hex')
      .slice(0, 16),
  }
}

/** Enough to recognise a value, never enough to use it. */
export function redact(value: string): string {
  const shown = value.length >= 12 ? value.slice(0, 4) : ''
  return `${shown}… (${value.length} chars)`
}

function urlPassword(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^/\s@]+)@/i.exec(value)
  return match?.[1]
}

/**
 * Long, and mixed enough that a person did not type it: Shannon entropy
 * of at least 3.5 bits per character (hex tops out at 4, so long hex keys
 * pass; words and URLs stay well below).
 */
function randomLooking(value: string): boolean {
  if (value.length < MIN_SECRET_LENGTH || /\s/.test(value)) return false
  return entropy(value) >= 3.5
}

function entropy(value: string): number {
  const counts = new Map<string, number>()
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) {
    const p = n / value.length
    bits -= p * Math.log2(p)
  }
  return bits
}

/**
 * `line` with every likely secret replaced by its redaction, for showing
 * a build log: the log may print a key, the screen must not.
 */
export function maskSecrets(line: string): string {
  let masked = line
  for (const { re } of TOKENS) {
    masked = masked.replace(re, (match) => redact(match))
  }
  return masked.replace(
    /\b([A-Z][A-Z0-9_]*)(\s*[=:]\s*["']?)([^\s"']+)/g,
    (whole, name: string, between: string, value: string) =>
      realSecretReason(name, value)
        ? `${name}${between}${redact(value)}`
        : whole,
  )
}
