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
  if (props.findings.length === 0) return null
  return (
    <>
      <h3 className="risk-group-title">{props.title}</h3>
      <ul className="risk-list" aria-label={props.title}>
        {props.findings.map((f, i) => (
          <RiskItem key={`${f.check}:${f.target}:${i}`} finding={f} />
        ))}
      </ul>
    </>
  )
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
