import { join } from 'node:path'
import { checkInfo, type CheckInfo } from '../../shared/catalogue'
import type { Evidence, Finding } from '../../shared/finding'
import { repoDirectory } from '../env/repo'
import { messageOf } from '../errors'
import {
  applyBaseline,
  readBaseline,
  scanHistory,
  scanTree,
  unaccepted,
  type ScanResult,
} from '../secrets/index'
import { finding, type Check } from './check'

const info = checkInfo('secrets.repo')!

/** Evidence keeps this many findings and skipped files; counts are whole. */
const MAX_LISTED = 200

/**
 * secrets.repo: no credentials in the repository's files (and, when the
 * workspace asks, its history). Target: the repository path.
 */
export const secretsRepo: Check = {
  info,
  targets: (workspace) => (workspace.repo ? [workspace.repo.path] : []),
  // A large history takes minutes; the tree alone takes seconds.
  timeoutMs: (workspace) => (workspace.secrets.history ? 600_000 : 120_000),
  async run(target, context) {
    const { secrets } = context.workspace
    const dir = repoDirectory(context.workspace.repo!, context.workspaceFile)
    let result: ScanResult
    try {
      const options = {
        maxFileBytes: secrets.maxFileBytes,
        signal: context.signal,
      }
      result = await scanTree(dir, options)
      if (secrets.history) {
        const history = await scanHistory(dir, options)
        result = {
          findings: [...result.findings, ...history.findings],
          skipped: [...result.skipped, ...history.skipped],
          stats: result.stats,
        }
      }
      const baseline = await readBaseline(join(dir, secrets.baseline))
      result = applyBaseline(result, baseline)
    } catch (error) {
      return [scanFailed(info, target, error)]
    }
    return [secretsVerdict(info, target, result, 'the repository')]
  },
}

/** The verdict on one scan, shared by secrets.repo and secrets.build-log. */
export function secretsVerdict(
  about: CheckInfo,
  target: string,
  result: ScanResult,
  what: string,
): Finding {
  const open = unaccepted(result)
  const accepted = result.findings.length - open.length
  const evidence = secretsEvidence(result)
  const skippedNote =
    result.skipped.length > 0
      ? ` ${result.skipped.length} file(s) were skipped (binary, too large ` +
        'or unreadable); the evidence lists them.'
      : ''
  if (open.length > 0) {
    const files = [...new Set(open.map((f) => f.file))]
    return finding(about, target, {
      status: 'fail',
      severity: 'blocker',
      title: `${open.length} credential(s) in ${what}`,
      detail:
        `Found ${open
          .map((f) => `${f.rule} in ${f.file}:${f.line}`)
          .slice(0, 5)
          .join(', ')}` +
        `${open.length > 5 ? ` and ${open.length - 5} more` : ''} ` +
        `(${files.length} file(s)).` +
        (accepted > 0
          ? ` ${accepted} more are accepted in the baseline.`
          : '') +
        skippedNote,
      evidence,
      fix:
        'Treat each key as leaked: rotate it with its provider first, then ' +
        'move it out of the code into the environment (or the keychain). ' +
        'Removing it from the files does not remove it from git history. ' +
        'A test fixture or a revoked key can be accepted, with a reason, ' +
        'in the secrets baseline. To see every finding:\n' +
        '  launch-ready scan secrets <repo> --history',
    })
  }
  return finding(about, target, {
    status: 'pass',
    severity: 'info',
    title: `No credentials in ${what}`,
    detail:
      `Scanned ${result.stats.files} file(s) with the gitleaks rules` +
      (accepted > 0
        ? `; ${accepted} accepted finding(s) in the baseline`
        : '') +
      '.' +
      skippedNote,
    evidence,
  })
}

function secretsEvidence(result: ScanResult): Evidence {
  return {
    findings: result.findings.slice(0, MAX_LISTED).map((f) => ({
      file: f.file,
      line: f.line,
      column: f.column,
      rule: f.rule,
      redacted: f.redacted,
      fingerprint: f.fingerprint,
      ...(f.commit ? { commit: f.commit } : {}),
      ...(f.accepted !== undefined ? { accepted: f.accepted } : {}),
    })),
    findingCount: result.findings.length,
    skipped: result.skipped.slice(0, MAX_LISTED).map((s) => ({
      file: s.file,
      reason: s.reason,
      note: s.note,
    })),
    skippedCount: result.skipped.length,
    files: result.stats.files,
    bytes: result.stats.bytes,
    ignored: result.stats.ignored,
    durationMs: Math.round(result.stats.durationMs),
  }
}

/** The `error` finding of a scan that could not run. */
export function scanFailed(
  about: CheckInfo,
  target: string,
  error: unknown,
): Finding {
  return finding(about, target, {
    status: 'error',
    severity: 'high',
    title: `Could not scan ${target} for secrets`,
    detail: messageOf(error),
    evidence: { error: messageOf(error) },
  })
}
