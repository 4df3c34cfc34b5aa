import {
  compareFindings,
  type Finding,
  type Severity,
} from '../../shared/finding'
import { STAGES } from '../../shared/stages'
import type { AuditResult } from '../runner/run-checks'

/** The audit as CI consumes it (`--format json`). */
export interface JsonReport {
  readonly workspace: string
  readonly startedAt: string
  readonly durationMs: number
  readonly outcome: AuditResult['outcome']
  readonly findings: readonly Finding[]
}

export function jsonReport(workspace: string, result: AuditResult): JsonReport {
  return {
    workspace,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    outcome: result.outcome,
    findings: [...result.findings].sort(compareFindings).map((f) => ({
      check: f.check,
      stage: f.stage,
      status: f.status,
      severity: f.severity,
      target: f.target,
      title: f.title,
      detail: f.detail,
      evidence: f.evidence,
      fix: f.fix,
    })),
  }
}

const STATUS_LABEL: Readonly<Record<Finding['status'], string>> = {
  fail: 'FAIL',
  error: 'ERROR',
  warn: 'WARN',
  skip: 'SKIP',
  pass: 'PASS',
}

/**
 * The audit as a page a person reads (`--format markdown`): the risk
 * list first, blockers at the top, then what passed.
 */
export function markdownReport(
  workspace: string,
  result: AuditResult,
  failOn: Severity,
): string {
  const sorted = [...result.findings].sort(compareFindings)
  const problems = sorted.filter(
    (f) => f.status !== 'pass' && f.status !== 'skip',
  )
  const passed = sorted.filter((f) => f.status === 'pass')
  const blockers = problems.filter(
    (f) => f.status === 'fail' && f.severity === 'blocker',
  )
  const lines = [
    `# Launch readiness: ${escape(workspace)}`,
    '',
    `Audited ${result.startedAt} in ${(result.durationMs / 1000).toFixed(1)} s` +
      (result.outcome === 'completed'
        ? '.'
        : ` (${result.outcome === 'cancelled' ? 'cancelled' : 'stopped at the deadline'}).`) +
      ` ${blockers.length} blocker(s), ${problems.length} problem(s), ${passed.length} passed. Threshold: ${failOn}.`,
    '',
  ]
  if (problems.length > 0) {
    lines.push(
      '## Risk list',
      '',
      '| Status | Severity | Stage | Check | Target | Finding |',
      '|---|---|---|---|---|---|',
    )
    for (const f of problems) {
      lines.push(
        `| ${STATUS_LABEL[f.status]} | ${f.severity} | ${f.stage} ${stageTitle(f)} | \`${f.check}\` | ${escape(f.target)} | ${escape(f.title)} |`,
      )
    }
    lines.push('', '## What to fix', '')
    for (const f of problems) {
      lines.push(
        `### ${STATUS_LABEL[f.status]} ${f.severity}: ${escape(f.title)}`,
        '',
      )
      lines.push(
        `\`${f.check}\` on ${escape(f.target)}. ${escape(f.detail)}`,
        '',
      )
      if (f.fix) lines.push('**Fix:**', '', '```', f.fix, '```', '')
    }
  }
  if (passed.length > 0) {
    lines.push('## Passed', '')
    for (const f of passed)
      lines.push(`- \`${f.check}\` on ${escape(f.target)}: ${escape(f.title)}`)
    lines.push('')
  }
  return lines.join('\n')
}

function stageTitle(f: Finding): string {
  return STAGES.find((s) => s.number === f.stage)?.title ?? ''
}

/** Keeps table cells and headings intact whatever a server sent. */
function escape(text: string): string {
  return text.replace(/[|\\`*_<>[\]]/g, (c) => `\\${c}`).replace(/\n/g, ' ')
}
