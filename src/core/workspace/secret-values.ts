import { secretRefName } from '../../shared/workspace'

/**
 * Recognises values that look like real credentials, so a workspace file
 * that is about to be handed over or committed never carries one. The
 * patterns are the unmistakable token formats of common providers; a
 * field named like a secret that holds anything but a `secret:NAME`
 * reference is flagged too.
 */
const TOKEN_PATTERNS: readonly {
  readonly name: string
  readonly re: RegExp
}[] = [
  { name: 'AWS access key', re: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/ },
  { name: 'Stripe live key', re: /\b[rs]k_live_[0-9a-zA-Z]{20,}\b/ },
  {
    name: 'GitHub token',
    re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_\w{40,})/,
  },
  { name: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'SendGrid key', re: /\bSG\.[\w-]{22}\.[\w-]{43}\b/ },
  { name: 'private key', re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'JSON web token', re: /\beyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,}/ },
  {
    name: 'credential in a URL',
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
  },
  {
    name: 'authorization header value',
    re: /^(?:Bearer|Basic|Token)\s+\S{8,}/i,
  },
]

const SECRET_FIELD =
  /pass(?:word)?|secret|token|api[-_]?key|private[-_]?key|credential|authorization/i

/**
 * Why a value at a field looks like a real secret, or undefined when it
 * does not. `field` is the last key on the value's path.
 */
export function secretLikeValue(
  field: string,
  value: string,
): string | undefined {
  if (value.trim() === '' || secretRefName(value) !== undefined)
    return undefined
  for (const { name, re } of TOKEN_PATTERNS) {
    if (re.test(value)) return `looks like a ${name}`
  }
  // passwordField and the like name a form's field (a selector), not a
  // secret: monitoring.syntheticLogin.
  if (SECRET_FIELD.test(field) && !/(?:Field|Selector)$/.test(field)) {
    return 'holds a value in a field meant for a secret'
  }
  return undefined
}

/** What a value that looks like a real secret is replaced with. */
export const REDACTED_SECRET = '[hidden: looks like a secret]'

/**
 * A copy of `value` with every string that looks like a real secret
 * replaced, judged by its own field name — for anything built from a
 * workspace that leaves the process (the window, an exported document),
 * so even a secret pasted into the file by mistake goes no further.
 */
export function redactSecretLike<T>(value: T, field = ''): T {
  if (typeof value === 'string') {
    return (secretLikeValue(field, value) ? REDACTED_SECRET : value) as T
  }
  if (Array.isArray(value)) {
    return value.map((v: unknown) => redactSecretLike(v, field)) as T
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactSecretLike(v, k)]),
    ) as T
  }
  return value
}
