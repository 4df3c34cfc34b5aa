import type { CheckInfo } from '../../../shared/catalogue'
import { StatusBadge } from '../../components/badges'
import { useOpenDetail } from '../../components/finding-button'
import { checkRows, type AuditSnapshot, type Row } from '../../lib/rows'

interface CheckBlockProps {
  readonly check: CheckInfo
  readonly snapshot: AuditSnapshot
}

/** A check and its verdict on each target. */
export function CheckBlock({ check, snapshot }: CheckBlockProps) {
  const rows = checkRows(check.id, snapshot)
  return (
    <div className="check" data-check={check.id}>
      <h3 className="check-title">
        {check.title} <code className="check-id">{check.id}</code>
      </h3>
      {rows.length === 0 ? (
        <p className="muted">No targets to check in this workspace.</p>
      ) : (
        <ul className="target-list" aria-label={check.title}>
          {rows.map((row) => (
            <TargetRow key={row.key} row={row} />
          ))}
        </ul>
      )}
    </div>
  )
}

function TargetRow({ row }: { row: Row }) {
  const open = useOpenDetail()
  const { state } = row
  if (state.kind !== 'finding') {
    return (
      <li className="target-row target-waiting" data-target={row.target}>
        <WaitingBadge kind={state.kind} />
        <span className="target-name">{row.target}</span>
      </li>
    )
  }
  return (
    <li data-target={row.target}>
      <button
        type="button"
        className="target-row"
        onClick={() => open(state.finding)}
      >
        <StatusBadge status={state.finding.status} />
        <span className="target-name">{row.target}</span>
        <span className="target-title">{state.finding.title}</span>
      </button>
    </li>
  )
}

function WaitingBadge({ kind }: { kind: 'checking' | 'waiting' | 'pending' }) {
  if (kind === 'pending') return <StatusBadge status="pending" />
  return (
    <span className={`badge badge-${kind}`}>
      {kind === 'checking' ? 'Checking…' : 'Waiting'}
    </span>
  )
}
