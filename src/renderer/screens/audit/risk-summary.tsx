import { useMemo } from 'react'
import { checkInfo } from '../../../shared/catalogue'
import type { Finding } from '../../../shared/finding'
import { impactOf, type ImpactInfo } from '../../../shared/impact'
import type { ChangedTarget, RunChanges } from '../../../shared/ipc'
import { SeverityBadge, StatusBadge } from '../../components/badges'
import { useOpenDetail } from '../../components/finding-button'
import { fixSummary } from '../../lib/fix-text'
import { formatDateTime, plural } from '../../lib/format'
import {
  readiness,
  readinessText,
  riskHeadline,
  riskSummary,
} from '../../lib/risk'
import { useAuditStore } from '../../stores/audit'

interface RiskSummaryProps {
  readonly findings: readonly Finding[]
  readonly running: boolean
  readonly changes?: RunChanges
}

/** The one-page risk list: blockers first, then the rest in order. */
export function RiskSummary({ findings, running, changes }: RiskSummaryProps) {
  const summary = useMemo(() => riskSummary(findings), [findings])
  const ready = useMemo(() => readiness(findings), [findings])
  if (summary.total === 0) return null
  const tone = summary.blockers.length ? 'blocked' : 'clear'
  return (
    <section
      className={`card risk-summary risk-${tone}`}
      aria-labelledby="risk-title"
    >
      <h2 id="risk-title">
        {running ? 'So far: ' : ''}
        {riskHeadline(summary)}
      </h2>
      <p className="risk-counts">
        {plural(summary.blockers.length, 'blocker')} ·{' '}
        {plural(summary.others.length, 'other problem')} · {summary.passed}{' '}
        passed
      </p>
      <p className="readiness">
        <strong>Readiness:</strong> {readinessText(ready)}
      </p>
      {changes && !running && <Changes changes={changes} />}
      <RiskGroup title="Blockers" findings={summary.blockers} />
      <RiskGroup title="Also to fix" findings={summary.others} />
    </section>
  )
}

/** Changes are listed up to this many of each kind. */
const CHANGES_SHOWN = 6

/** What the latest run fixed and broke, next to the one before. */
function Changes({ changes }: { changes: RunChanges }) {
  const { fixed, broke, since } = changes
  return (
    <section className="risk-changes" aria-label="Since the run before">
      <p>
        Since the run of {formatDateTime(since)}:{' '}
        {fixed.length + broke.length === 0
          ? 'nothing changed.'
          : `${plural(fixed.length, 'problem')} fixed, ${plural(broke.length, 'new problem')}.`}
      </p>
      <ChangeList label="Fixed" items={fixed} />
      <ChangeList label="New" items={broke} />
    </section>
  )
}

function ChangeList(props: { label: string; items: readonly ChangedTarget[] }) {
  if (props.items.length === 0) return null
  const more = props.items.length - CHANGES_SHOWN
  return (
    <ul className={`change-list change-${props.label.toLowerCase()}`}>
      {props.items.slice(0, CHANGES_SHOWN).map((c) => (
        <li key={`${c.check}:${c.target}`}>
          <strong>{props.label}:</strong> {c.title}{' '}
          <span className="muted">({c.target})</span>
        </li>
      ))}
      {more > 0 && <li className="muted">and {more} more</li>}
    </ul>
  )
}

function RiskGroup(props: { title: string; findings: readonly Finding[] }) {
  const groups = useMemo(() => groupByCheck(props.findings), [props.findings])
  if (props.findings.length === 0) return null
  return (
    <>
      <h3 className="risk-group-title">{props.title}</h3>
      <ul className="risk-list" aria-label={props.title}>
        {groups.map((group) =>
          group.length === 1 ? (
            <RiskItem key={itemKey(group[0]!)} finding={group[0]!} />
          ) : (
            <RiskCluster key={group[0]!.check} findings={group} />
          ),
        )}
      </ul>
    </>
  )
}

/**
 * Several hosts failing one check read as one problem with a list of
 * hosts, folded so a long audit stays a one-page risk list.
 */
function RiskCluster({ findings }: { findings: readonly Finding[] }) {
  const [first] = findings
  const info = checkInfo(first!.check)
  const impact = impactOf(first!.check)
  return (
    <li className="risk-line risk-cluster" data-check={first!.check}>
      <details>
        <summary className="risk-item">
          <span className="risk-badges">
            <SeverityBadge severity={first!.severity} />
            <StatusBadge status={first!.status} />
          </span>
          <span className="risk-title">
            “{info?.title ?? first!.check}”{' '}
            {first!.status === 'warn' ? 'warns' : 'fails'} on{' '}
            {plural(findings.length, 'host')}
          </span>
          <span className="risk-meta">
            {findings.map((f) => f.target).join(', ')}
          </span>
          {impact && <ImpactLine impact={impact} />}
        </summary>
        <ul className="risk-list risk-cluster-items">
          {findings.map((f) => (
            <RiskItem key={itemKey(f)} finding={f} />
          ))}
        </ul>
      </details>
      <RecheckButton check={first!.check} />
    </li>
  )
}

/** Findings grouped by check, in the order their worst one appears. */
function groupByCheck(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>()
  for (const f of findings)
    groups.set(f.check, [...(groups.get(f.check) ?? []), f])
  return [...groups.values()]
}

function itemKey(f: Finding): string {
  return `${f.check}:${f.target}:${f.status}`
}

/**
 * One problem: what is wrong, what it costs, the first step of the fix,
 * and a Re-check that reruns just its check once the fix is in.
 */
function RiskItem({ finding }: { finding: Finding }) {
  const open = useOpenDetail()
  const impact = impactOf(finding.check)
  const fix = fixSummary(finding.fix)
  return (
    <li
      className="risk-line"
      data-check={finding.check}
      data-target={finding.target}
    >
      <button type="button" className="risk-item" onClick={() => open(finding)}>
        <span className="risk-badges">
          <SeverityBadge severity={finding.severity} />
          <StatusBadge status={finding.status} />
        </span>
        <span className="risk-title">{finding.title}</span>
        <span className="risk-meta">
          {checkInfo(finding.check)?.title ?? finding.check} · {finding.target}
        </span>
        {impact && <ImpactLine impact={impact} />}
        {fix && (
          <span className="risk-fix">
            <strong>Fix:</strong> {fix}
          </span>
        )}
      </button>
      <RecheckButton check={finding.check} target={finding.target} />
    </li>
  )
}

function ImpactLine({ impact }: { impact: ImpactInfo }) {
  return (
    <span className="risk-impact">
      <strong>{impact.label}:</strong> {impact.sentence}
    </span>
  )
}

/** Reruns one check on all its targets; the rest of the audit stays. */
function RecheckButton(props: { check: string; target?: string }) {
  const start = useAuditStore((s) => s.start)
  const running = useAuditStore((s) => s.progress !== null)
  const title = checkInfo(props.check)?.title ?? props.check
  return (
    <button
      type="button"
      className="recheck"
      disabled={running}
      aria-label={`Re-check “${title}”${props.target ? ` on ${props.target}` : ''}`}
      onClick={() => void start([props.check])}
    >
      Re-check
    </button>
  )
}
