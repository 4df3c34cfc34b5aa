import type { Evidence } from './finding'

/**
 * The secrets a secrets.* finding lists in its evidence (secretsVerdict
 * writes them), read back by the window and by the session's baseline.
 */

/** One secret a scan found, as secrets.repo and secrets.build-log list it. */
export interface ScannedSecret {
  readonly file: string
  readonly line: number
  readonly rule: string
  /** The first characters only: the app never has the whole value. */
  readonly redacted: string
  readonly fingerprint: string
  readonly commit?: string
  /** The baseline's reason, when the team accepted it. */
  readonly accepted?: string
}

/** The secrets listed in a secrets.* finding's evidence. */
export function scannedSecrets(evidence: Evidence): ScannedSecret[] {
  const listed = Array.isArray(evidence.findings) ? evidence.findings : []
  return listed.flatMap((item) => {
    const s = (item ?? {}) as Record<string, unknown>
    const ok =
      typeof s.file === 'string' &&
      typeof s.line === 'number' &&
      typeof s.rule === 'string' &&
      typeof s.redacted === 'string' &&
      typeof s.fingerprint === 'string'
    return ok ? [s as unknown as ScannedSecret] : []
  })
}

/** The evidence without its list of secrets, shown in a table instead. */
export function withoutSecretList(evidence: Evidence): Evidence {
  const { findings: _listed, ...rest } = evidence
  return rest
}
