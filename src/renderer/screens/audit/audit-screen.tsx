import { useMemo } from 'react'
import { STAGES } from '../../../shared/stages'
import { ErrorText } from '../../components/messages'
import { shownFindings } from '../../lib/rows'
import { useAuditStore } from '../../stores/audit'
import { useAuditSnapshot } from '../../stores/audit-snapshot'
import { useWorkspaceStore } from '../../stores/workspace'
import { MigrationNotice } from './migration-notice'
import { NeededSecrets } from './needed-secrets'
import { RiskSummary } from './risk-summary'
import { RunControls } from './run-controls'
import { RunStatus } from './run-status'
import { StageSection } from './stage-section'

/** The seven stages, their checks, and the risk list over them. */
export function AuditScreen() {
  const view = useWorkspaceStore((s) => s.view)
  const error = useAuditStore((s) => s.error)
  const snapshot = useAuditSnapshot()
  const findings = useMemo(() => shownFindings(snapshot), [snapshot])
  if (!view) return null
  return (
    <div className="audit">
      <div className="page-heading">
        <div>
          <h1>Launch audit</h1>
          <p className="muted">
            {view.workspace.name} · {view.workspace.canonicalOrigin}
          </p>
        </div>
        <RunControls />
      </div>
      <ErrorText>{error}</ErrorText>
      <MigrationNotice />
      <NeededSecrets />
      <RunStatus />
      <RiskSummary
        findings={findings}
        running={snapshot.running}
        changes={snapshot.run?.changes}
      />
      <ol className="stage-list" aria-label="Stages">
        {STAGES.map((stage) => (
          <StageSection key={stage.number} stage={stage} snapshot={snapshot} />
        ))}
      </ol>
    </div>
  )
}
