import { useMemo } from 'react'
import { checkInfo } from '../../../shared/catalogue'
import type { Finding } from '../../../shared/finding'
import { SeverityBadge, StatusBadge } from '../../components/badges'
import { useOpenDetail } from '../../components/finding-button'
import { plural } from '../../lib/format'
import { riskHeadline, riskSummary } from '../../lib/risk'

interface RiskSummaryProps {
  readonly findings: readonly Finding[]
  readonly running: boolean
}

/** The one-page risk list: blockers first, then the rest in order. */
export function RiskSummary({ findings, running }: RiskSummaryProps) {
  const summary = useMemo(() => riskSummary(findings), [findings])
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
      <RiskGroup title="Blockers" findings={summary.blockers} />
      <RiskGroup title="Also to fix" findings={summary.others} />
    </section>
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
  return (
    <li className="risk-cluster" data-check={first!.check}>
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
        </summary>
        <ul className="risk-list risk-cluster-items">
          {findings.map((f) => (
            <RiskItem key={itemKey(f)} finding={f} />
          ))}
        </ul>
      </details>
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

function RiskItem({ finding }: { finding: Finding }) {
  const open = useOpenDetail()
  return (
    <li data-check={finding.check} data-target={finding.target}>
      <button type="button" className="risk-item" onClick={() => open(finding)}>
        <span className="risk-badges">
          <SeverityBadge severity={finding.severity} />
          <StatusBadge status={finding.status} />
        </span>
        <span className="risk-title">{finding.title}</span>
        <span className="risk-meta">
          {checkInfo(finding.check)?.title ?? finding.check} · {finding.target}
        </span>
      </button>
    </li>
  )
}
