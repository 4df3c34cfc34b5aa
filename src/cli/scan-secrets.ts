import { stat } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { LaunchReadyError } from '../core/errors'
import {
  applyBaseline,
  readBaseline,
  scanHistory,
  scanLogFile,
  scanTree,
  secretsSarif,
  unaccepted,
  type ScanResult,
} from '../core/secrets'

/**
 * `launch-ready scan secrets <path>`: a folder is scanned as a working
 * tree (and, with --history, its git history); a file as a log.
 */

export interface ScanSecretsIo {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/** Thrown for bad arguments; the caller prints usage. */
export class ScanUsageError extends Error {}

/** Runs the scan; resolves to the exit status (1: unaccepted findings). */
export async function scanSecretsCommand(
  args: readonly string[],
  io: ScanSecretsIo,
): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        history: { type: 'boolean', default: false },
        baseline: { type: 'string' },
      },
    })
  } catch (error) {
    throw new ScanUsageError((error as Error).message)
  }
  const { values, positionals } = parsed
  const [path, ...extra] = positionals
  if (!path || extra.length > 0)
    throw new ScanUsageError('scan secrets takes exactly one path.')
  const format = values.format
  if (format !== 'text' && format !== 'json' && format !== 'sarif')
    throw new ScanUsageError(
      `--format must be text, json or sarif, not "${format}".`,
    )
  const info = await stat(path).catch((error: unknown) => {
    throw new LaunchReadyError(
      'scan for secrets',
      'no such file or folder',
      path,
      {
        cause: error,
      },
    )
  })
  const isDir = info.isDirectory()
  if (values.history && !isDir)
    throw new ScanUsageError('--history needs a folder (a git checkout).')
  let result = isDir ? await scanTree(path) : await scanLogFile(path)
  if (values.history) result = merge(result, await scanHistory(path))
  if (values.baseline)
    result = applyBaseline(result, await readBaseline(values.baseline))
  io.stdout(
    format === 'json'
      ? JSON.stringify(result, null, 2) + '\n'
      : format === 'sarif'
        ? JSON.stringify(secretsSarif(result), null, 2) + '\n'
        : textReport(result),
  )
  return unaccepted(result).length > 0 ? 1 : 0
}

function merge(a: ScanResult, b: ScanResult): ScanResult {
  return {
    findings: [...a.findings, ...b.findings],
    skipped: [...a.skipped, ...b.skipped],
    stats: {
      files: a.stats.files,
      bytes: a.stats.bytes + b.stats.bytes,
      ignored: a.stats.ignored,
      durationMs: a.stats.durationMs + b.stats.durationMs,
    },
  }
}

/** One line per finding and per skipped file, then a summary. */
export function textReport(result: ScanResult): string {
  const lines = result.findings.map((f) => {
    const where = `${f.file}:${f.line}:${f.column}`
    const commit = f.commit ? ` (commit ${f.commit.slice(0, 12)})` : ''
    const accepted =
      f.accepted !== undefined ? ` [accepted: ${f.accepted}]` : ''
    return `${where}${commit} ${f.rule} ${f.redacted} ${f.fingerprint}${accepted}`
  })
  for (const s of result.skipped)
    lines.push(`skipped ${s.file}: ${s.reason}, ${s.note}`)
  const open = unaccepted(result).length
  lines.push(
    `${result.stats.files} files, ${result.findings.length} findings ` +
      `(${open} not accepted), ${result.skipped.length} skipped.`,
  )
  return lines.join('\n') + '\n'
}
