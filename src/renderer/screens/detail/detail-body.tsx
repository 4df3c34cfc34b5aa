import type { ReactNode } from 'react'
import { checkInfo } from '../../../shared/catalogue'
import type { Finding } from '../../../shared/finding'
import { withoutSecretList } from '../../../shared/secret-evidence'
import { SeverityBadge, StatusBadge } from '../../components/badges'
import { StandardLink } from '../../components/standard-link'
import { CheckHistory } from './check-history'
import { EvidenceView } from './evidence-view'
import { FixText } from './fix-text'
import { SecretFindings } from './secret-findings'

/** Everything about one finding, in the order a founder needs it. */
export function DetailBody({ finding }: { finding: Finding }) {
  const info = checkInfo(finding.check)
  return (
    <article className="detail-body">
      <header className="detail-header">
        <div className="detail-badges">
          <StatusBadge status={finding.status} />
          <SeverityBadge severity={finding.severity} />
        </div>
        <h2 id="detail-title">{finding.title}</h2>
        <p className="detail-meta">
          {info?.title ?? finding.check} · <code>{finding.check}</code> on{' '}
          <strong>{finding.target}</strong>
        </p>
        {finding.detail && <p className="detail-text">{finding.detail}</p>}
      </header>
      {isSecretScan(finding) && (
        <DetailSection title="Secrets found">
          <SecretFindings finding={finding} />
        </DetailSection>
      )}
      <DetailSection title="What we measured">
        <EvidenceView
          evidence={
            isSecretScan(finding)
              ? withoutSecretList(finding.evidence)
              : finding.evidence
          }
        />
      </DetailSection>
      {info && (
        <DetailSection title="Why it matters">
          <p>{info.why}</p>
        </DetailSection>
      )}
      <DetailSection title="How to fix">
        <FixText fix={finding.fix} status={finding.status} />
        <StandardLink check={finding.check} />
      </DetailSection>
      <DetailSection title="History on this target">
        <CheckHistory check={finding.check} target={finding.target} />
      </DetailSection>
    </article>
  )
}

function isSecretScan(finding: Finding): boolean {
  return finding.check.startsWith('secrets.')
}

function DetailSection(props: { title: string; children: ReactNode }) {
  const id = `detail-${props.title.toLowerCase().replace(/\W+/g, '-')}`
  return (
    <section className="detail-section" aria-labelledby={id}>
      <h3 id={id}>{props.title}</h3>
      {props.children}
    </section>
  )
}
