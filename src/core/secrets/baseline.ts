import { readFile, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import type { ScanResult, SecretFinding } from './types'

/**
 * The baseline: findings the team has looked at and accepted (a test
 * fixture, a revoked key), each by fingerprint and with a reason. It
 * holds no secret, so it can be committed next to the code.
 */

const EntrySchema = z.strictObject({
  fingerprint: z.string().regex(/^[0-9a-f]{16,64}$/),
  rule: z.string().optional(),
  file: z.string().optional(),
  reason: z.string().trim().min(1, 'say why the finding is accepted'),
})

const BaselineSchema = z.strictObject({
  version: z.literal(1),
  accepted: z.array(EntrySchema).default([]),
})

export type Baseline = z.infer<typeof BaselineSchema>
export type BaselineEntry = z.infer<typeof EntrySchema>

export const EMPTY_BASELINE: Baseline = { version: 1, accepted: [] }

/** Reads a baseline file; a missing file is an empty baseline. */
export async function readBaseline(file: string): Promise<Baseline> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return EMPTY_BASELINE
    throw error
  }
  const parsed = BaselineSchema.safeParse(JSON.parse(text))
  if (!parsed.success) {
    throw new Error(
      `Could not read the secrets baseline: ${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')} (${file})`,
    )
  }
  return parsed.data
}

/** Adds (or re-words) the acceptance of one finding, and saves. */
export async function acceptFinding(
  file: string,
  finding: Pick<SecretFinding, 'fingerprint' | 'rule' | 'file'>,
  reason: string,
): Promise<Baseline> {
  const baseline = await readBaseline(file)
  const entry = EntrySchema.parse({
    fingerprint: finding.fingerprint,
    rule: finding.rule,
    file: finding.file,
    reason,
  })
  const accepted = [
    ...baseline.accepted.filter((e) => e.fingerprint !== entry.fingerprint),
    entry,
  ]
  const next: Baseline = { version: 1, accepted }
  await writeFile(file, JSON.stringify(next, null, 2) + '\n')
  return next
}

/** Marks the findings the baseline accepts, with its reason. */
export function applyBaseline(
  result: ScanResult,
  baseline: Baseline,
): ScanResult {
  const reasons = new Map(baseline.accepted.map((e) => [e.fingerprint, e]))
  return {
    ...result,
    findings: result.findings.map((f) => {
      const entry = reasons.get(f.fingerprint)
      return entry ? { ...f, accepted: entry.reason } : f
    }),
  }
}

/** Findings the baseline does not accept: the ones that fail a scan. */
export function unaccepted(result: ScanResult): readonly SecretFinding[] {
  return result.findings.filter((f) => f.accepted === undefined)
}
