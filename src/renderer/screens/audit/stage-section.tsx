import type { CheckInfo } from '../../../shared/catalogue'
import { worstStatus } from '../../../shared/finding'
import type { Stage } from '../../../shared/stages'
import { StatusBadge } from '../../components/badges'
import { readiness, readinessText, stageChecks } from '../../lib/risk'
import {
  shownFindings,
  stageFindings,
  type AuditSnapshot,
} from '../../lib/rows'
import { CheckBlock } from './check-block'

interface StageProps {
  readonly stage: Stage
  readonly snapshot: AuditSnapshot
}

/** One stage: its goal, its overall status, and each of its checks. */
export function StageSection({ stage, snapshot }: StageProps) {
  const checks = stageChecks(stage.number)
  const headingId = `stage-${stage.number}`
  return (
    <li className="stage">
      <section aria-labelledby={headingId}>
        <StageHeading stage={stage} snapshot={snapshot} id={headingId} />
        <StageChecks stage={stage} checks={checks} snapshot={snapshot} />
      </section>
    </li>
  )
}

function StageHeading(props: StageProps & { id: string }) {
  const findings = stageFindings(
    shownFindings(props.snapshot),
    props.stage.number,
  )
  const worst = worstStatus(findings)
  return (
    <header className="stage-header">
      <span className="stage-number" aria-hidden="true">
        {props.stage.number}
      </span>
      <div className="stage-heading-text">
        <h2 id={props.id}>
          <span className="visually-hidden">Stage {props.stage.number}: </span>
          {props.stage.title}
        </h2>
        <p className="stage-goal">{props.stage.goal}</p>
      </div>
      {worst && (
        <span className="stage-status">
          <StatusBadge status={worst} />
          <span className="stage-readiness">
            {readinessText(readiness(findings))}
          </span>
        </span>
      )}
    </header>
  )
}

function StageChecks(props: StageProps & { checks: readonly CheckInfo[] }) {
  if (props.checks.length === 0) {
    return <p className="stage-empty">{emptyText(props.stage.number)}</p>
  }
  return (
    <div className="stage-checks">
      {props.checks.map((check) => (
        <CheckBlock key={check.id} check={check} snapshot={props.snapshot} />
      ))}
    </div>
  )
}

function emptyText(stage: number): string {
  return stage === 1
    ? 'This stage’s result is the risk list at the top of the page, once an audit has run.'
    : 'This version has no checks for this stage yet, so nothing here is checked automatically.'
}
